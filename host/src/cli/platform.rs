//! `edgekit serve`'s flags for platform features: the visitor's geo and
//! address as a platform preset sends them, key-value seeds and
//! `wasi:config` values.

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use edgekit_host::{HostBuilder, KvStores, Platform, Visitor};

#[derive(Args, Default)]
pub struct PlatformArgs {
    /// Platform preset to play: fastedge, cloudflare, fastly or generic
    /// (generic when --geo or --client-ip is given without it). Sets
    /// EDGEKIT_PLATFORM and the preset's headers on every request.
    #[arg(long, value_name = "PRESET")]
    platform: Option<Platform>,
    /// Where every visitor appears to be: country=DE,city=Berlin,region=BE,
    /// continent=EU,lat=52.5,lon=13.4,asn=3320.
    #[arg(long, value_name = "KEY=VALUE,...")]
    geo: Option<String>,
    /// The address every visitor appears to come from.
    #[arg(long, value_name = "IP")]
    client_ip: Option<IpAddr>,
    /// Seeds a key-value entry: STORE:KEY=VALUE (repeatable).
    #[arg(long = "kv", value_name = "STORE:KEY=VALUE", value_parser = parse_kv)]
    kv: Vec<(String, String, String)>,
    /// Seeds key-value stores from a JSON file: {"store": {"key": "value"}}.
    #[arg(long, value_name = "FILE")]
    kv_file: Option<PathBuf>,
    /// A wasi:config value (repeatable).
    #[arg(long = "config-var", value_name = "KEY=VALUE", value_parser = crate::parse_env)]
    config_var: Vec<(String, String)>,
}

impl PlatformArgs {
    /// Applies the flags to `builder`.
    pub fn apply(self, mut builder: HostBuilder) -> anyhow::Result<HostBuilder> {
        let platform = match (self.platform, &self.geo, self.client_ip) {
            (Some(platform), _, _) => Some(platform),
            (None, Some(_), _) | (None, _, Some(_)) => Some(Platform::Generic),
            (None, None, None) => None,
        };
        if let Some(platform) = platform {
            let mut visitor = Visitor::new(platform);
            if let Some(geo) = &self.geo {
                visitor = visitor.geo(Visitor::parse_geo(geo)?);
            }
            if let Some(ip) = self.client_ip {
                visitor = visitor.client_ip(ip);
            }
            builder = builder.visitor(visitor);
        }
        let stores = KvStores::default();
        if let Some(file) = &self.kv_file {
            stores
                .seed_file(file)
                .with_context(|| format!("--kv-file {}", file.display()))?;
        }
        for (store, key, value) in self.kv {
            stores.set(&store, &key, value);
        }
        builder = builder.kv_stores(stores);
        for (key, value) in self.config_var {
            builder = builder.config_var(key, value);
        }
        Ok(builder)
    }
}

fn parse_kv(text: &str) -> anyhow::Result<(String, String, String)> {
    let (store, rest) = text.split_once(':').context("expected STORE:KEY=VALUE")?;
    let (key, value) = rest.split_once('=').context("expected STORE:KEY=VALUE")?;
    anyhow::ensure!(
        !key.is_empty(),
        "expected STORE:KEY=VALUE (the key is empty)"
    );
    Ok((store.to_string(), key.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::parse_kv;

    #[test]
    fn kv_flags() {
        assert_eq!(
            parse_kv("default:a=b=c").unwrap(),
            ("default".into(), "a".into(), "b=c".into())
        );
        assert!(parse_kv("default:=x").is_err());
        assert!(parse_kv("novalue").is_err());
    }
}
