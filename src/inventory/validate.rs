//! Strict grammars for everything that may later reach an ssh command line or a report.
//!
//! Host names, addresses and users end up as arguments of `ssh`; a value starting with `-`
//! would be read as an option (`-oProxyCommand=…`), and whitespace or shell metacharacters
//! have no business in any of them. So each is checked against a positive grammar: only
//! what is listed is allowed.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Inventory names (hosts, groups): a letter or digit, then letters, digits, `.`, `_`, `-`;
/// at most 253 characters (a DNS name's limit).
pub fn name(kind: &str, s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err(format!("{kind} name is empty"));
    }
    if s.len() > 253 {
        return Err(format!("{kind} name is longer than 253 characters"));
    }
    let first = s.chars().next().unwrap_or('-');
    if !first.is_ascii_alphanumeric() {
        return Err(format!(
            "{kind} name {s:?} must start with a letter or digit"
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "{kind} name {s:?} contains {}; allowed are letters, digits, '.', '_' and '-'",
            describe(c)
        ));
    }
    Ok(())
}

/// An SSH address: a DNS name or `~/.ssh/config` alias, an IPv4 address, or an IPv6
/// address (without brackets; brackets belong to the `[v6]:port` destination syntax).
pub fn address(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("address is empty".into());
    }
    if s.starts_with('-') {
        return Err(format!(
            "address {s:?} starts with '-', which ssh would read as an option"
        ));
    }
    if s.parse::<Ipv6Addr>().is_ok() || s.parse::<Ipv4Addr>().is_ok() {
        return Ok(());
    }
    if s.len() > 253 {
        return Err("address is longer than 253 characters".into());
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "address {s:?} contains {}; expected a host name, an ssh config alias or an IP address",
            describe(c)
        ));
    }
    Ok(())
}

/// A login name as ssh passes it: POSIX portable user names.
pub fn user(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("user is empty".into());
    }
    if s.len() > 64 {
        return Err("user is longer than 64 characters".into());
    }
    if s.starts_with('-') {
        return Err(format!("user {s:?} starts with '-'"));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!("user {s:?} contains {}", describe(c)));
    }
    Ok(())
}

/// A TCP port, 1 to 65535.
pub fn port(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(p) if p > 0 && s.chars().all(|c| c.is_ascii_digit()) => Ok(p),
        _ => Err(format!("port {s:?} is not a number from 1 to 65535")),
    }
}

/// Tags: `[A-Za-z0-9_.:=/-]`, at most 64 characters, not starting with `-`.
pub fn tag(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("tag is empty".into());
    }
    if s.len() > 64 {
        return Err(format!("tag {s:?} is longer than 64 characters"));
    }
    if s.starts_with('-') {
        return Err(format!("tag {s:?} starts with '-'"));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '=' | '/')))
    {
        return Err(format!("tag {s:?} contains {}", describe(c)));
    }
    Ok(())
}

/// Free text (notes, stakeholders, window descriptions): one line, no control characters.
pub fn text(field: &str, s: &str) -> Result<(), String> {
    if s.len() > 4096 {
        return Err(format!("{field} is longer than 4096 bytes"));
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(format!("{field} contains {}", describe(c)));
    }
    Ok(())
}

/// A user@host:port destination, split and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub user: Option<String>,
    pub address: String,
    pub port: Option<u16>,
}

impl Destination {
    /// Parses `host`, `user@host`, `host:port`, `user@host:port`, `[v6]`, `[v6]:port`,
    /// `user@[v6]:port`, or a bare IPv6 address.
    pub fn parse(s: &str) -> Result<Destination, String> {
        if s.starts_with('-') {
            return Err(format!(
                "destination {s:?} starts with '-', which ssh would read as an option"
            ));
        }
        if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("destination {s:?} contains {}", describe(c)));
        }
        let (user, rest) = match s.rsplit_once('@') {
            Some((u, r)) => {
                user(u)?;
                (Some(u.to_string()), r)
            }
            None => (None, s),
        };
        let (address_part, port_part) =
            if let Some(inner) = rest.strip_prefix('[') {
                let (addr, after) = inner
                    .split_once(']')
                    .ok_or_else(|| format!("destination {s:?} has '[' without ']'"))?;
                if addr.parse::<Ipv6Addr>().is_err() {
                    return Err(format!("{addr:?} in brackets is not an IPv6 address"));
                }
                match after {
                    "" => (addr, None),
                    p => (
                        addr,
                        Some(p.strip_prefix(':').ok_or_else(|| {
                            format!("destination {s:?}: expected ':port' after ']'")
                        })?),
                    ),
                }
            } else if rest.parse::<Ipv6Addr>().is_ok() {
                (rest, None)
            } else {
                match rest.rsplit_once(':') {
                    Some((a, p)) => (a, Some(p)),
                    None => (rest, None),
                }
            };
        address(address_part)?;
        let port = port_part.map(port).transpose()?;
        Ok(Destination {
            user,
            address: address_part.to_string(),
            port,
        })
    }
}

fn describe(c: char) -> String {
    if c.is_whitespace() {
        "whitespace".into()
    } else if c.is_control() {
        format!("control character U+{:04X}", c as u32)
    } else {
        format!("{c:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        let d = Destination::parse("root@web1.example.com:2222").unwrap();
        assert_eq!(d.user.as_deref(), Some("root"));
        assert_eq!(d.address, "web1.example.com");
        assert_eq!(d.port, Some(2222));
        let d = Destination::parse("[2001:db8::1]:22").unwrap();
        assert_eq!((d.address.as_str(), d.port), ("2001:db8::1", Some(22)));
        let d = Destination::parse("2001:db8::1").unwrap();
        assert_eq!((d.address.as_str(), d.port), ("2001:db8::1", None));
        let d = Destination::parse("admin@[::1]").unwrap();
        assert_eq!(d.address, "::1");
        assert!(Destination::parse("web1").unwrap().user.is_none());
    }

    #[test]
    fn hostile_destinations_are_rejected() {
        for bad in [
            "-oProxyCommand=x",
            "web1;reboot",
            "web 1",
            "web1\n",
            "$(id)",
            "`id`",
            "a|b",
            "host:0",
            "host:99999",
            "host:",
            "-l@x",
            "x@-host",
            "[not-v6]:22",
            "[::1",
            "u$er@h",
        ] {
            assert!(Destination::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names() {
        assert!(name("host", "web-01.prod_eu").is_ok());
        for bad in ["", "-x", ".x", "a b", "a/b", "a;b", "é"] {
            assert!(name("host", bad).is_err(), "{bad:?} accepted");
        }
    }
}
