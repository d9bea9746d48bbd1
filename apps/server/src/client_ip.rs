//! The client's address (contract §9): the peer of the connection, unless the peer is one of `TRUSTED_PROXIES`;
//! then the rightmost address of `Forwarded` (else `X-Forwarded-For`) that is not itself a trusted proxy. A header
//! from any other peer is ignored, so a client cannot choose its own address. Throttles, rate limits and logs use
//! it.

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated addresses and CIDR blocks (`10.0.0.0/8, 127.0.0.1, ::1`); empty trusts nobody.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => item
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("`{item}` is neither an IP address nor a CIDR block"))?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request whose connection comes from `peer`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut nearest = peer;
        for hop in forwarded_chain(headers).iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => nearest = *ip,
                Some(ip) => return *ip,
                // An obfuscated or malformed hop: nothing beyond it can be believed.
                None => return nearest,
            }
        }
        nearest
    }
}

impl std::fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let items: Vec<String> = self.0.iter().map(IpNet::to_string).collect();
        f.write_str(&items.join(","))
    }
}

/// The addresses a request passed through, client first: `Forwarded`'s `for=` values when the header is present,
/// else `X-Forwarded-For`'s. `None` for an element that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let joined = |name: &str| {
        headers
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",")
    };
    let forwarded = joined("forwarded");
    if !forwarded.trim().is_empty() {
        return forwarded
            .split(',')
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(key, _)| key.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| node_address(value))
            })
            .collect();
    }
    joined("x-forwarded-for")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(node_address)
        .collect()
}

/// The address of a node: `192.0.2.60`, `"192.0.2.60:8080"`, `"[2001:db8::17]:4711"` or `2001:db8::17`.
fn node_address(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    value.rsplit_once(':').and_then(|(host, _port)| host.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let forged = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(proxies.client_ip(ip("198.51.100.7"), &forged), ip("198.51.100.7"));
        assert_eq!(
            TrustedProxies::default().client_ip(ip("10.0.0.1"), &forged),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn the_client_is_the_rightmost_address_that_is_not_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.1").unwrap();
        let chain = headers(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7, 192.0.2.1, 10.1.1.1")]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &chain), ip("198.51.100.7"));
        let split = headers(&[("x-forwarded-for", "203.0.113.9"), ("x-forwarded-for", "10.1.1.1")]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &split), ip("203.0.113.9"));
    }

    #[test]
    fn forwarded_is_read_before_x_forwarded_for() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let both = headers(&[
            (
                "forwarded",
                "for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.9",
            ),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &both), ip("2001:db8:cafe::17"));
        let with_port = headers(&[("forwarded", "for=\"198.51.100.7:8080\"")]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &with_port), ip("198.51.100.7"));
    }

    #[test]
    fn a_malformed_hop_stops_the_walk_at_the_nearest_trusted_address() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let hidden = headers(&[("forwarded", "for=_hidden, for=10.0.0.9")]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &hidden), ip("10.0.0.9"));
        let all_trusted = headers(&[("x-forwarded-for", "10.0.0.8")]);
        assert_eq!(proxies.client_ip(ip("10.0.0.2"), &all_trusted), ip("10.0.0.8"));
    }

    #[test]
    fn every_item_must_be_an_address_or_a_block() {
        assert!(TrustedProxies::parse("10.0.0.0/8, ::1, 127.0.0.1").is_ok());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
    }
}
