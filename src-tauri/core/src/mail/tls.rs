//! Which servers Kindly trusts: the public web PKI roots, plus the certificates in the PEM file
//! named by `KINDLY_EXTRA_CA_FILE` (a self-hosted mail server with its own CA, and the tests).
//! IMAP and SMTP both take their trust from here.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::{Error, Result};

pub const EXTRA_CA_VAR: &str = "KINDLY_EXTRA_CA_FILE";

/// The extra trusted certificates, as PEM bytes (empty when none are configured).
pub fn extra_ca_pem() -> Result<Vec<u8>> {
    match std::env::var_os(EXTRA_CA_VAR) {
        None => Ok(Vec::new()),
        Some(path) => std::fs::read(&path).map_err(|e| Error::io(path, e)),
    }
}

fn extra_cas() -> Result<Vec<CertificateDer<'static>>> {
    let pem = extra_ca_pem()?;
    CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Invalid(format!("{EXTRA_CA_VAR} does not hold PEM certificates: {e}")))
}

pub fn client_config() -> Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for cert in extra_cas()? {
        roots.add(cert).map_err(|e| Error::Invalid(format!("{EXTRA_CA_VAR}: unusable certificate: {e}")))?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Invalid(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Wraps `tcp` in TLS to `host`, with an error that says what to check.
pub async fn connect<S>(tcp: S, host: &str) -> Result<tokio_rustls::client::TlsStream<S>>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| Error::Invalid(format!("`{host}` is not a host name: {e}")))?;
    tokio_rustls::TlsConnector::from(client_config()?).connect(name, tcp).await.map_err(|e| {
        Error::Invalid(format!(
            "secure connection to {host} failed: {e}. Check the host name; for a server with its own \
             certificate authority, point {EXTRA_CA_VAR} at its CA certificate"
        ))
    })
}
