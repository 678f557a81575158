package io.ztna.proto.dns;

import java.io.ByteArrayOutputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Builds and inspects DNS messages in wire format (RFC 1035), for the few cases that need raw
 * bytes: a query sent to a resolver whose response travels on unchanged, and an answer made up
 * from a static host map. Everything else uses Netty's DNS codec.
 */
public final class DnsWire {

    /** Record type codes used here. */
    public static final int TYPE_A = 1;
    public static final int TYPE_AAAA = 28;
    private static final int TYPE_OPT = 41;
    private static final int CLASS_IN = 1;
    private static final int HEADER_LENGTH = 12;

    /** Response codes used here. */
    public static final int NOERROR = 0;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int REFUSED = 5;

    /** UDP payload size advertised in the EDNS OPT record, as DNS Flag Day 2020 suggests. */
    static final int EDNS_UDP_SIZE = 1232;

    private DnsWire() {
    }

    /**
     * Encodes a recursive query for one name and type, with an EDNS OPT record.
     *
     * @throws IllegalArgumentException when the name is not a valid DNS name
     */
    public static byte[] query(int id, String name, int qtype) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        writeShort(out, id);
        writeShort(out, 0x0100);
        writeShort(out, 1);
        writeShort(out, 0);
        writeShort(out, 0);
        writeShort(out, 1);
        writeName(out, name);
        writeShort(out, qtype);
        writeShort(out, CLASS_IN);
        out.write(0);
        writeShort(out, TYPE_OPT);
        writeShort(out, EDNS_UDP_SIZE);
        writeInt(out, 0);
        writeShort(out, 0);
        return out.toByteArray();
    }

    /**
     * Encodes a response to {@code query(id, name, qtype)} with A or AAAA records for the
     * addresses of the matching family, and NOERROR even when none matches.
     *
     * @param ttlSeconds TTL of each record
     */
    public static byte[] addressResponse(int id, String name, int qtype,
            List<InetAddress> addresses, int ttlSeconds) {
        int length = addressLength(qtype);
        List<InetAddress> matching = addresses.stream()
                .filter(address -> address.getAddress().length == length).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        writeShort(out, id);
        writeShort(out, 0x8180);
        writeShort(out, 1);
        writeShort(out, matching.size());
        writeShort(out, 0);
        writeShort(out, 0);
        writeName(out, name);
        writeShort(out, qtype);
        writeShort(out, CLASS_IN);
        for (InetAddress address : matching) {
            writeShort(out, 0xC000 | HEADER_LENGTH);
            writeShort(out, qtype);
            writeShort(out, CLASS_IN);
            writeInt(out, ttlSeconds);
            writeShort(out, length);
            out.writeBytes(address.getAddress());
        }
        return out.toByteArray();
    }

    private static int addressLength(int qtype) {
        if (qtype == TYPE_A) {
            return 4;
        }
        return qtype == TYPE_AAAA ? 16 : -1;
    }

    /** Returns the message id, or -1 when the message is shorter than a header. */
    public static int id(byte[] message) {
        return message.length < HEADER_LENGTH ? -1
                : ((message[0] & 0xff) << 8) | (message[1] & 0xff);
    }

    /** Returns the response code of a message; SERVFAIL when it is shorter than a header. */
    public static int rcode(byte[] message) {
        return message.length < HEADER_LENGTH ? SERVFAIL : message[3] & 0x0f;
    }

    /** Returns whether the message has the TC (truncated) bit set. */
    public static boolean truncated(byte[] message) {
        return message.length >= HEADER_LENGTH && (message[2] & 0x02) != 0;
    }

    /** Returns whether the message is a response (QR bit set). */
    public static boolean isResponse(byte[] message) {
        return message.length >= HEADER_LENGTH && (message[2] & 0x80) != 0;
    }

    /** Returns a copy of the message with another id. */
    public static byte[] withId(byte[] message, int id) {
        byte[] copy = message.clone();
        copy[0] = (byte) (id >>> 8);
        copy[1] = (byte) id;
        return copy;
    }

    /**
     * Returns the lower-case ASCII form of a name without its trailing dot, or null when it is
     * not a valid DNS name (empty labels, a label over 63 bytes, over 253 bytes in all).
     */
    public static String normaliseName(String name) {
        String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (bare.isEmpty()) {
            return null;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(bare, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (ascii.length() > 253) {
            return null;
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return null;
            }
        }
        return ascii;
    }

    private static void writeName(ByteArrayOutputStream out, String name) {
        String ascii = normaliseName(name);
        if (ascii == null) {
            throw new IllegalArgumentException("invalid DNS name '" + name
                    + "': expected labels of 1 to 63 characters, 253 in all");
        }
        for (String label : ascii.split("\\.")) {
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        out.write(0);
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        writeShort(out, value >>> 16);
        writeShort(out, value & 0xffff);
    }
}
