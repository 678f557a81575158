package io.ztna.proto.policy;

import io.netty.util.NetUtil;
import java.net.IDN;
import java.util.Locale;

/**
 * Normal forms of host names and IP literals, so that patterns and flows compare equal when
 * they name the same host. Nothing here resolves names.
 */
final class HostNames {

    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private HostNames() {
    }

    /**
     * Returns the address bytes of an IPv4 or IPv6 literal (brackets allowed), or null when
     * the text is not one. An IPv4-mapped IPv6 address such as {@code ::ffff:10.0.0.1} becomes
     * its 4-byte IPv4 form, so that IPv4 patterns cover it.
     */
    static byte[] ipLiteral(String text) {
        String bare = text.length() > 1 && text.startsWith("[") && text.endsWith("]")
                ? text.substring(1, text.length() - 1) : text;
        byte[] address = NetUtil.createByteArrayFromIpAddressString(bare);
        if (address != null && address.length == 16 && isIpv4Mapped(address)) {
            byte[] ipv4 = new byte[4];
            System.arraycopy(address, 12, ipv4, 0, 4);
            return ipv4;
        }
        return address;
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    /**
     * Returns a host name in lower-case ASCII (IDNA, RFC 3490) form without one trailing dot.
     * Returns null for an invalid name, which has an empty label, a label over 63 characters,
     * over 253 characters in all, or characters other than letters, digits, '-' and '_'.
     */
    static String normalise(String name) {
        String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        String ascii;
        if (isAscii(trimmed)) {
            // IDNA leaves ASCII labels unchanged but costs far more than lower-casing, which
            // shows when loading large catalogs. The checks below reject what IDNA would.
            ascii = trimmed.toLowerCase(Locale.ROOT);
        } else {
            try {
                ascii = IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (ascii.isEmpty() || ascii.length() > MAX_NAME_LENGTH) {
            return null;
        }
        int labelStart = 0;
        for (int i = 0; i <= ascii.length(); i++) {
            char c = i < ascii.length() ? ascii.charAt(i) : '.';
            if (c == '.') {
                int labelLength = i - labelStart;
                if (labelLength == 0 || labelLength > MAX_LABEL_LENGTH) {
                    return null;
                }
                labelStart = i + 1;
            } else if (!isNameChar(c)) {
                return null;
            }
        }
        return ascii;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** Returns the address with every bit after {@code prefixLength} cleared, as a copy. */
    static byte[] mask(byte[] address, int prefixLength) {
        byte[] masked = address.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }
}
