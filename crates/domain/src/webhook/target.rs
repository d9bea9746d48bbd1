//! Webhook target URLs (contract §10): parsed once, by the WHATWG URL parser, into the normal form the delivery
//! client is given, so the policy check and the client see the same host. Every spelling of an address that
//! must not be contacted — `2130706433`, `0x7f000001`, `127.1`, `localhost.`, `[::127.0.0.1]`,
//! `[64:ff9b::7f00:1]` — normalises to an address [`is_private_ip`] recognises or a `localhost` name.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// An absolute http(s) URL with a host, in normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUrl(Url);

/// Why a target URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetProblem {
    /// Not an absolute http or https URL with a host.
    NotHttp,
    /// A loopback, private, link-local or otherwise internal address, in any spelling.
    Private,
}

impl TargetProblem {
    pub fn message(self) -> &'static str {
        match self {
            TargetProblem::NotHttp => "must be an absolute http or https URL",
            TargetProblem::Private => "must not point at a loopback, private or link-local address",
        }
    }
}

impl TargetUrl {
    pub fn parse(text: &str) -> Result<TargetUrl, TargetProblem> {
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(TargetProblem::NotHttp);
        }
        let url = Url::parse(text).map_err(|_| TargetProblem::NotHttp)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(TargetProblem::NotHttp);
        }
        Ok(TargetUrl(url))
    }

    /// The normal form, which the delivery client is given.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// `host:port` (the default port of the scheme when none is given): the unit of the delivery worker's
    /// per-target concurrency and back-off.
    pub fn authority(&self) -> String {
        let host = self.0.host_str().unwrap_or_default();
        format!("{host}:{}", self.0.port_or_known_default().unwrap_or(0))
    }

    /// Refuses a host that is, by its spelling alone, an address that must not be contacted: a private literal
    /// or a `localhost` name. Names are checked again on the addresses they resolve to, at delivery.
    pub fn check_literal(&self) -> Result<(), TargetProblem> {
        let private = match self.0.host() {
            Some(Host::Ipv4(ip)) => is_private_ip(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => is_private_ip(IpAddr::V6(ip)),
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
            None => true,
        };
        if private { Err(TargetProblem::Private) } else { Ok(()) }
    }
}

/// An address that must not be contacted unless private targets are allowed: loopback, private, link-local,
/// shared (CGNAT), unspecified, broadcast, multicast, reserved and documentation ranges, and IPv6 addresses that
/// embed one of them (IPv4-mapped, IPv4-compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`).
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(v6),
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
}

fn is_private_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_private_v4(v4);
    }
    // IPv4-compatible `::a.b.c.d` (deprecated) and the NAT64 well-known prefix `64:ff9b::/96`.
    if segments[..6] == [0; 6] || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return ip.is_unspecified() || ip.is_loopback() || is_private_v4(embedded_v4(segments[6], segments[7]));
    }
    // 6to4 `2002:aabb:ccdd::/48` carries `aa.bb.cc.dd`.
    if segments[0] == 0x2002 {
        return is_private_v4(embedded_v4(segments[1], segments[2]));
    }
    ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (segments[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        || (segments[0] == 0x64 && segments[1] == 0xff9b && segments[2] == 1) // local-use NAT64 64:ff9b:1::/48
        || (segments[0] == 0x2001 && segments[1] == 0xdb8) // documentation 2001:db8::/32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(url: &str) -> Result<(), TargetProblem> {
        TargetUrl::parse(url)?.check_literal()
    }

    #[test]
    fn every_spelling_of_a_private_address_is_refused() {
        for url in [
            "http://localhost/x",
            "http://localhost./x",
            "http://LOCALHOST/",
            "http://api.localhost/",
            "http://127.0.0.1:8080",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://0/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::127.0.0.1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[64:ff9b::10.0.0.1]/",
            "http://[64:ff9b:1::1]/",
            "http://[2002:7f00:1::]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[ff02::1]/",
            "https://10.1.2.3",
            "http://169.254.169.254/latest/meta-data",
            "http://192.168.0.1",
            "http://172.16.5.4",
            "http://100.64.0.1",
            "http://224.0.0.1",
            "http://255.255.255.255",
        ] {
            assert_eq!(literal(url), Err(TargetProblem::Private), "{url}");
        }
    }

    #[test]
    fn public_hosts_and_names_pass_the_literal_check() {
        for url in [
            "https://your-app.com/webhook",
            "http://93.184.216.34/",
            "http://[2606:2800:220:1:248:1893:25c8:1946]/",
            "http://[64:ff9b::5db8:d822]/",
            "http://hooks.example.invalid:8443/x?y=1",
        ] {
            assert_eq!(literal(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn only_absolute_http_urls_with_a_host_are_targets() {
        for url in [
            "ftp://example.com",
            "not a url",
            "http://",
            "mailto:a@b.c",
            "http://a b.com/",
            "http://exa\nmple.com/",
        ] {
            assert_eq!(TargetUrl::parse(url), Err(TargetProblem::NotHttp), "{url}");
        }
    }

    #[test]
    fn the_normal_form_is_what_the_client_gets() {
        let target = TargetUrl::parse("HTTP://Example.COM:80/a/../b?x=1").unwrap();
        assert_eq!(target.as_str(), "http://example.com/b?x=1");
        assert_eq!(target.authority(), "example.com:80");
        assert_eq!(
            TargetUrl::parse("https://[::1]:8443/").unwrap().authority(),
            "[::1]:8443"
        );
    }
}
