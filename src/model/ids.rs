//! COE ids (`YYYY-MM-DD-slug`), slugs of titles, and the links a COE may hold.

use super::dates::{parse_date, Stamp};

/// The slug of a title: lowercase ASCII letters, digits and `-`, at most 60 characters.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    if slug.len() > 60 {
        slug.truncate(60);
        // Cut at a word boundary when there is one in the second half.
        if let Some(cut) = slug.rfind('-').filter(|&i| i > 30) {
            slug.truncate(cut);
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "incident".to_string()
    } else {
        slug
    }
}

/// Common Latin accented letters to their ASCII base, so "Café" slugs as "cafe".
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        _ => "",
    };
    let keep = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(keep)
}

/// The id of a COE: the incident's start date and the title's slug.
pub fn make_id(started: &Stamp, title: &str) -> String {
    format!("{}-{}", started.date(), slugify(title))
}

/// Why an id is not valid, or `None` when it is: `YYYY-MM-DD-slug`, the date a real one,
/// the slug lowercase ASCII letters, digits and `-` (never `/` or `..`).
pub fn id_problem(id: &str) -> Option<String> {
    let bad = |why: &str| Some(format!("invalid COE id `{id}`: {why}"));
    if id.contains('/') || id.contains('\\') || id.contains("..") {
        return bad("it must not contain `/`, `\\` or `..`");
    }
    let (date, slug) = match (id.get(..10), id.get(10..)) {
        (Some(d), Some(rest)) if rest.starts_with('-') => (d, &rest[1..]),
        _ => return bad("expected YYYY-MM-DD-slug"),
    };
    if parse_date(date).is_err() {
        return bad("it must start with a real date, YYYY-MM-DD");
    }
    if slug.is_empty()
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return bad("the part after the date must be lowercase letters, digits and `-`");
    }
    if slug.len() > 64 {
        return bad("the part after the date is longer than 64 characters");
    }
    None
}

/// What is wrong with a `link:`: it must be an `http(s)://` address or a path in the
/// repository (`docs/graphs/latency.png`). `None` when it is fine.
pub fn link_problem(link: &str) -> Option<String> {
    let link = link.trim();
    if link.is_empty() {
        return Some("the link is empty".into());
    }
    if link.chars().any(char::is_whitespace) {
        return Some(format!(
            "`{link}` is not a link: a URL or a repository path has no spaces"
        ));
    }
    let scheme_len = link.find(':').filter(|&i| {
        i > 0
            && link[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && link[..1].chars().all(|c| c.is_ascii_alphabetic())
    });
    match scheme_len {
        Some(i) => {
            let scheme = link[..i].to_ascii_lowercase();
            let host = link[i + 1..]
                .strip_prefix("//")
                .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
            if scheme != "http" && scheme != "https" {
                Some(format!(
                    "`{link}` is not a link coe accepts: use an http(s):// address or a repository path"
                ))
            } else if host.is_none_or(str::is_empty) {
                Some(format!("`{link}` has no host name after `{scheme}://`"))
            } else {
                None
            }
        }
        None if link.starts_with('/') => Some(format!(
            "`{link}` is an absolute path: link to a file in the repository with a relative path, or to an http(s):// address"
        )),
        None if looks_like_a_host(link) => Some(format!(
            "`{link}` looks like a web address without its scheme: did you mean https://{link}?"
        )),
        None => None,
    }
}

/// Whether a link without a scheme starts with a host name (`grafana.example.com/d/1`,
/// `www.example.com`) rather than a repository path (`docs/runbook.md`, `README.md`): its
/// first segment has dots, ends in letters that are no file extension, and is followed by
/// a path, or starts with `www.`.
fn looks_like_a_host(link: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "md", "txt", "yaml", "yml", "json", "png", "jpg", "jpeg", "gif", "svg", "csv", "log",
        "html", "htm", "pdf", "toml", "sh", "py", "rs",
    ];
    let (first, rest) = link.split_once('/').unwrap_or((link, ""));
    let Some((_, tld)) = first.rsplit_once('.') else {
        return false;
    };
    let host_like = first
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !EXTENSIONS.contains(&tld.to_ascii_lowercase().as_str());
    host_like && (!rest.is_empty() || first.to_ascii_lowercase().starts_with("www."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Checkout latency spike after config push"),
            "checkout-latency-spike-after-config-push"
        );
        assert_eq!(
            slugify("  Café: DNS / TLS outage!! "),
            "cafe-dns-tls-outage"
        );
        assert_eq!(slugify("日本"), "incident");
        let long = slugify(&"word ".repeat(40));
        assert!(long.len() <= 60 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn ids() {
        assert_eq!(id_problem("2026-11-22-checkout-latency"), None);
        assert_eq!(id_problem("2026-11-22-checkout-latency-2"), None);
        assert!(id_problem("2026-02-30-x").is_some());
        assert!(id_problem("../etc/passwd").is_some());
        assert!(id_problem("2026-11-22-a/b").is_some());
        assert!(id_problem("2026-11-22-..").is_some());
        assert!(id_problem("2026-11-22-Upper").is_some());
        assert!(id_problem("2026-11-22").is_some());
    }

    #[test]
    fn links_are_web_addresses_or_repository_paths() {
        assert_eq!(link_problem("https://grafana.example.com/d/abc"), None);
        assert_eq!(link_problem("HTTP://example.com"), None);
        assert_eq!(link_problem("docs/graphs/latency.png"), None);
        assert!(link_problem("not a url").is_some());
        assert!(link_problem("ftp://example.com/x").is_some());
        assert!(link_problem("https://").is_some());
        assert!(link_problem("javascript:alert(1)").is_some());
        assert!(link_problem("/etc/passwd").is_some());
        assert!(link_problem("").is_some());
        // A web address without its scheme is refused with the fix; paths are not.
        assert_eq!(
            link_problem("grafana.example.com/d/abc").as_deref(),
            Some("`grafana.example.com/d/abc` looks like a web address without its scheme: did you mean https://grafana.example.com/d/abc?")
        );
        assert!(link_problem("www.example.com").is_some());
        assert_eq!(link_problem("README.md"), None);
        assert_eq!(link_problem("docs/runbook.md"), None);
        assert_eq!(link_problem("graphs/latency.v2.png"), None);
        assert_eq!(link_problem("notes.md/extra"), None);
    }
}
