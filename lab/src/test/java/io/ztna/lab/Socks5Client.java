package io.ztna.lab;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A SOCKS5 client that writes the RFC 1928 bytes itself, so tests see every reply code. */
final class Socks5Client {

    private Socks5Client() {
    }

    /** A socket after a CONNECT request, with the reply code the proxy sent. */
    record Connection(Socket socket, int reply) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Sends CONNECT for a domain name and returns the reply; the socket is open on success. */
    static Connection connect(InetSocketAddress proxy, String host, int port) throws IOException {
        return connect(proxy, host, port, 0);
    }

    /**
     * Like {@link #connect(InetSocketAddress, String, int)}, with the socket's receive buffer
     * set to {@code receiveBufferBytes} before connecting when it is above 0.
     */
    static Connection connect(InetSocketAddress proxy, String host, int port,
            int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(proxy, 5_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        out.write(new byte[] {5, 1, 0});
        out.flush();
        byte[] method = new byte[2];
        in.readFully(method);
        if (method[0] != 5 || method[1] != 0) {
            throw new IOException("SOCKS5 greeting rejected: " + method[0] + " " + method[1]);
        }
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[7 + name.length];
        request[0] = 5;
        request[1] = 1;
        request[2] = 0;
        request[3] = 3;
        request[4] = (byte) name.length;
        System.arraycopy(name, 0, request, 5, name.length);
        request[5 + name.length] = (byte) (port >> 8);
        request[6 + name.length] = (byte) port;
        out.write(request);
        out.flush();
        int version = in.read();
        int reply = in.read();
        if (version != 5 || reply < 0) {
            throw new IOException("invalid SOCKS5 reply: version " + version + ", reply " + reply);
        }
        in.readUnsignedByte();
        int addressType = in.readUnsignedByte();
        int addressLength = switch (addressType) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> in.readUnsignedByte();
            default -> throw new IOException("invalid SOCKS5 address type " + addressType);
        };
        in.readFully(new byte[addressLength + 2]);
        return new Connection(socket, reply);
    }

    /** The SOCKS5 reply code and, when it is 0, the whole HTTP response that followed. */
    record HttpResult(int reply, String response) {
    }

    /**
     * Sends {@code GET /} with {@code Connection: close} to {@code host:port} through the proxy
     * and reads the response to its end; the response is empty when the reply is not 0.
     */
    static HttpResult get(InetSocketAddress proxy, String host, int port) throws IOException {
        try (Connection connection = connect(proxy, host, port)) {
            if (connection.reply() != 0) {
                return new HttpResult(connection.reply(), "");
            }
            OutputStream out = connection.socket().getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] response = connection.socket().getInputStream().readAllBytes();
            return new HttpResult(0, new String(response, StandardCharsets.UTF_8));
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
