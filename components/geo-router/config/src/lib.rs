//! geo-router's parameters ([`config::Config`], as `edgekit::config`
//! declares them) and the value types they are read into: [`country`],
//! [`origin`] and [`ip_rules`]. The component (`components/geo-router`)
//! reads and checks them on every request; the template sync test reads the
//! keys from [`config::Config`].
#![deny(unsafe_code)]

pub mod config;
pub mod country;
pub mod ip_rules;
pub mod origin;
