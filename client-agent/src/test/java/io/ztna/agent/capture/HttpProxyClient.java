package io.ztna.agent.capture;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A plain-socket HTTP proxy client that writes raw requests and reads raw response heads. */
final class HttpProxyClient implements AutoCloseable {

    /** One response head and its body, read up to Content-Length (none when absent). */
    record Response(String statusLine, Map<String, String> headers, String body) {

        int status() {
            return Integer.parseInt(statusLine.split(" ", 3)[1]);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    HttpProxyClient(InetSocketAddress proxy) throws IOException {
        socket = new Socket();
        socket.connect(proxy, 5_000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    InputStream in() {
        return in;
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Returns a CONNECT request for {@code target} with a Host header and no other. */
    static String connectRequest(String target) {
        return "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n";
    }

    /** Sends CONNECT for {@code target} and reads the response. */
    Response connect(String target) throws IOException {
        send(connectRequest(target));
        return readResponse();
    }

    /** Reads a response head byte by byte, so no byte after it is consumed, then its body. */
    Response readResponse() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF inside the response head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        byte[] body = new byte[length == null ? 0 : Integer.parseInt(length)];
        in.readFully(body);
        return new Response(lines[0], headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Reads until EOF; fails with the socket timeout when the peer keeps the socket open. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
