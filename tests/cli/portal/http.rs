//! HTTP/1.1 framing over a raw socket or a TLS stream. Anything malformed closes the
//! connection: the stand-in exists to test a client, not to be lenient.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use super::{Reply, Shared, api};

const MAX_LINE_BYTES: u64 = 16 * 1024;
const MAX_HEADER_COUNT: usize = 128;
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

pub(super) struct Request {
    pub(super) method: String,
    /// Path plus query exactly as sent (origin form).
    pub(super) target: String,
    /// Names lower-cased, in the order received.
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
    pub(super) keep_alive: bool,
}

impl Request {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The request could not be framed; the only safe answer is to hang up.
struct Malformed;

impl From<io::Error> for Malformed {
    fn from(_: io::Error) -> Malformed {
        Malformed
    }
}

/// What a connection is served over: the socket itself, or TLS on top of it.
pub(super) trait Transport: Read + Write {
    /// Runs once the portal is done with the connection, before the caller
    /// shuts the socket down.
    fn finish(&mut self) {}
}

impl Transport for TcpStream {}

/// Serves requests until the client or a reply ends the connection. The
/// caller owns the socket's shutdown, because with TLS the socket is buried
/// inside `stream`.
pub(super) fn serve_connection<S: Transport>(shared: &Shared, stream: S, connection: usize) {
    // Replies are written through get_mut(): BufReader buffers only what it
    // read, so writing past it loses nothing, and a TLS stream cannot be
    // split into a reader and a writer the way a socket can be cloned.
    let mut reader = BufReader::new(stream);
    let mut served = 0;
    while let Ok(Some(request)) = read_request(&mut reader) {
        shared.record(&request, connection);
        served += 1;
        let reply = match shared.take_fault(&request.method, &request.target, served > 1) {
            Some(Reply::ActLater { code, after }) => {
                let _ = write_response(reader.get_mut(), code, &[], &[], true);
                reader.get_mut().finish();
                shared.sleep_unless_stopping(after);
                let _ = api::respond(shared, &request);
                return;
            }
            Some(Reply::Hold(gate)) => {
                shared.wait_for(&gate);
                api::respond(shared, &request)
            }
            Some(Reply::LoseAnswer) => {
                let _ = api::respond(shared, &request);
                Reply::LoseAnswer
            }
            Some(fault) => fault,
            None => api::respond(shared, &request),
        };
        let writer = reader.get_mut();
        let keep_going = match reply {
            Reply::Status {
                code,
                headers,
                body,
            } => {
                let written = write_response(writer, code, &headers, &body, !request.keep_alive);
                written.is_ok() && request.keep_alive
            }
            Reply::Raw(bytes) => {
                let _ = writer.write_all(&bytes).and_then(|()| writer.flush());
                false
            }
            Reply::Hang(duration) => {
                shared.sleep_unless_stopping(duration);
                false
            }
            // take_fault never hands out Pass: it is answered as usual.
            Reply::Close
            | Reply::ClosedWhileIdle
            | Reply::LoseAnswer
            | Reply::Pass
            | Reply::Slow(_)
            | Reply::RemoveFirst(_)
            | Reply::TerminateFirst(_)
            | Reply::ActLater { .. }
            | Reply::Hold(_) => false,
        };
        if !keep_going {
            break;
        }
    }
    reader.get_mut().finish();
}

/// `Ok(None)` is a clean close between requests.
fn read_request<S: Read + Write>(reader: &mut BufReader<S>) -> Result<Option<Request>, Malformed> {
    // RFC 9112 section 2.2: a server should ignore empty lines before a
    // request line (QUIRKS.md Q32).
    let mut request_line = None;
    for _ in 0..4 {
        match read_line(reader)? {
            None => return Ok(None),
            Some(line) if line.is_empty() => continue,
            Some(line) => {
                request_line = Some(line);
                break;
            }
        }
    }
    let request_line = request_line.ok_or(Malformed)?;
    let request_line = String::from_utf8(request_line).map_err(|_| Malformed)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Malformed);
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(Malformed);
    }
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Malformed);
    }
    let http_11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(Malformed),
    };

    let headers = read_headers(reader)?;
    let header_values = |name: &'static str| values_of(&headers, name);
    let connection_has = |token: &str| {
        header_values("connection")
            .flat_map(|value| value.split(','))
            .any(|item| item.trim().eq_ignore_ascii_case(token))
    };
    let keep_alive = if http_11 {
        !connection_has("close")
    } else {
        connection_has("keep-alive")
    };

    let transfer_encoding: Vec<&str> = header_values("transfer-encoding").collect();
    let content_lengths: Vec<&str> = header_values("content-length").collect();
    let expects_continue =
        http_11 && header_values("expect").any(|value| value.eq_ignore_ascii_case("100-continue"));

    let body = if !transfer_encoding.is_empty() {
        // Both framings at once is the classic request-smuggling shape.
        if !content_lengths.is_empty() {
            return Err(Malformed);
        }
        let last_coding = transfer_encoding
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .next_back()
            .unwrap_or_default();
        if !last_coding.eq_ignore_ascii_case("chunked") {
            return Err(Malformed);
        }
        send_continue(reader.get_mut(), expects_continue)?;
        read_chunked_body(reader)?
    } else if let Some(first) = content_lengths.first() {
        if content_lengths.iter().any(|value| value != first) {
            return Err(Malformed);
        }
        if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Malformed);
        }
        let length: usize = first.parse().map_err(|_| Malformed)?;
        if length > MAX_BODY_BYTES {
            return Err(Malformed);
        }
        if length > 0 {
            send_continue(reader.get_mut(), expects_continue)?;
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };

    Ok(Some(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
        keep_alive,
    }))
}

fn values_of<'h>(
    headers: &'h [(String, String)],
    name: &'static str,
) -> impl Iterator<Item = &'h str> {
    headers
        .iter()
        .filter(move |(known, _)| known == name)
        .map(|(_, value)| value.as_str())
}

fn read_headers(reader: &mut impl BufRead) -> Result<Vec<(String, String)>, Malformed> {
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or(Malformed)?;
        if line.is_empty() {
            return Ok(headers);
        }
        if headers.len() == MAX_HEADER_COUNT {
            return Err(Malformed);
        }
        // Obsolete line folding is forbidden in requests (RFC 9112 section
        // 5.2; QUIRKS.md Q32).
        if line[0] == b' ' || line[0] == b'\t' {
            return Err(Malformed);
        }
        let colon = line.iter().position(|&b| b == b':').ok_or(Malformed)?;
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if name.is_empty() || !name.iter().copied().all(is_token_byte) {
            return Err(Malformed);
        }
        let value = String::from_utf8_lossy(value)
            .trim_matches([' ', '\t'])
            .to_owned();
        headers.push((String::from_utf8_lossy(name).to_ascii_lowercase(), value));
    }
}

fn read_chunked_body(reader: &mut impl BufRead) -> Result<Vec<u8>, Malformed> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or(Malformed)?;
        let line = String::from_utf8(line).map_err(|_| Malformed)?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        if size_text.is_empty()
            || size_text.len() > 8
            || !size_text.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(Malformed);
        }
        let size = usize::from_str_radix(size_text, 16).map_err(|_| Malformed)?;
        if size == 0 {
            // Trailer section: read and drop until the blank line.
            while !read_line(reader)?.ok_or(Malformed)?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(Malformed);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        if !read_line(reader)?.ok_or(Malformed)?.is_empty() {
            return Err(Malformed);
        }
    }
}

/// One line without its terminator; `None` at end of stream before any byte.
fn read_line(reader: &mut impl BufRead) -> Result<Option<Vec<u8>>, Malformed> {
    let mut line = Vec::new();
    reader
        .by_ref()
        .take(MAX_LINE_BYTES)
        .read_until(b'\n', &mut line)?;
    if line.is_empty() {
        return Ok(None);
    }
    if line.pop() != Some(b'\n') {
        return Err(Malformed);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

fn send_continue(writer: &mut impl Write, expected: bool) -> Result<(), Malformed> {
    if expected {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        writer.flush()?;
    }
    Ok(())
}

fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Content-Length is always computed here, whatever the caller passed, so
/// that a normal reply can never desynchronise the connection.
/// A header the API layer adds to ask for a chunked answer (QUIRKS.md Q51); it is not
/// sent.
pub(super) const CHUNKED_MARKER: &str = "x-stand-in-chunked";

fn write_response(
    writer: &mut impl Write,
    code: u16,
    headers: &[(String, String)],
    body: &[u8],
    close: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {code} {}\r\n", reason_phrase(code));
    let chunked = headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(CHUNKED_MARKER));
    for (name, value) in headers {
        if name.eq_ignore_ascii_case(CHUNKED_MARKER) {
            continue;
        }
        if name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
            || name.eq_ignore_ascii_case("connection")
        {
            continue;
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    // A 204 has no body and no framing headers (RFC 9110 §8.6, as Kestrel sends it).
    let chunked = chunked && code != 204;
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n");
    } else if code != 204 {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if chunked {
        // Small chunks, so that a client reading the answer meets many of them.
        for chunk in body.chunks(100) {
            bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            bytes.extend_from_slice(chunk);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"0\r\n\r\n");
    } else {
        bytes.extend_from_slice(body);
    }
    writer.write_all(&bytes)?;
    writer.flush()
}

pub(super) fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}
