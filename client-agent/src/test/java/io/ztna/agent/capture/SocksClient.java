package io.ztna.agent.capture;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A SOCKS5 client on a plain socket that writes the RFC 1928 bytes itself, so a test can send
 * malformed messages and assert every reply byte.
 */
final class SocksClient implements AutoCloseable {

    static final byte VERSION = 5;
    static final byte CONNECT = 1;
    static final byte ATYP_IPV4 = 1;
    static final byte ATYP_DOMAIN = 3;
    static final byte ATYP_IPV6 = 4;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    SocksClient(InetSocketAddress proxy) throws IOException {
        socket = new Socket();
        socket.connect(proxy, 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    Socket socket() {
        return socket;
    }

    DataInputStream in() {
        return in;
    }

    void send(byte... bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads exactly {@code length} bytes. */
    byte[] read(int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** Sends the greeting offering NO_AUTH only and returns the two reply bytes. */
    byte[] greet() throws IOException {
        send(VERSION, (byte) 1, (byte) 0);
        return read(2);
    }

    /** Returns a CONNECT request for a domain name. */
    static byte[] connectDomain(String host, int port) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        byte[] address = new byte[name.length + 1];
        address[0] = (byte) name.length;
        System.arraycopy(name, 0, address, 1, name.length);
        return request(CONNECT, ATYP_DOMAIN, address, port);
    }

    /** Returns a CONNECT request for an IPv4 or IPv6 literal. */
    static byte[] connectAddress(String literal, int port) throws IOException {
        byte[] address = InetAddress.getByName(literal).getAddress();
        return request(CONNECT, address.length == 4 ? ATYP_IPV4 : ATYP_IPV6, address, port);
    }

    /** Returns a request with any command and address type; {@code address} is sent as is. */
    static byte[] request(byte command, byte addressType, byte[] address, int port) {
        byte[] request = new byte[6 + address.length];
        request[0] = VERSION;
        request[1] = command;
        request[2] = 0;
        request[3] = addressType;
        System.arraycopy(address, 0, request, 4, address.length);
        request[4 + address.length] = (byte) (port >> 8);
        request[5 + address.length] = (byte) port;
        return request;
    }

    /**
     * Reads a command reply with an IPv4 bound address (the only form the agent sends) and
     * returns its 10 bytes.
     */
    byte[] readReply() throws IOException {
        return read(10);
    }

    /** Reads until EOF; fails with the socket timeout when the peer keeps the socket open. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** Greets, sends CONNECT for a domain and returns the reply code. */
    int connect(String host, int port) throws IOException {
        greet();
        send(connectDomain(host, port));
        return readReply()[1];
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
