//! `kindly serve` driven over raw HTTP/1.1, as the page would: its URL and token from the first
//! line it prints, and requests with any headers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Child,
    pub port: u16,
    pub token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `command`: `kindly serve` with whatever arguments and environment it needs.
    pub fn start(mut command: Command) -> Server {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("Kindly is running at ")
            .unwrap_or_else(|| panic!("unexpected: {line}"))
            .to_string();
        let rest = url.strip_prefix("http://127.0.0.1:").unwrap();
        let (port, token) = rest.split_once("/?token=").unwrap();
        Server { child, port: port.parse().unwrap(), token: token.to_string() }
    }

    /// `POST /api/{command}` with the token; returns (status, JSON body).
    pub fn api(&self, command: &str, args: &serde_json::Value) -> (u16, serde_json::Value) {
        let (status, _, body) = request(
            self.port,
            "POST",
            &format!("/api/{command}"),
            &[("x-kindly-token", &self.token), ("content-type", "application/json")],
            &args.to_string(),
        );
        (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::Null))
    }
}

/// A raw HTTP/1.1 request; returns (status, lower-cased head, body).
pub fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_ascii_lowercase(), body.to_string())
}
