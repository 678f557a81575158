package io.ztna.proto.tls;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns a TLS failure, as Netty reports it (often an {@link SSLException} inside a
 * {@code DecoderException}), into a short text for one log line.
 */
public final class TlsFailures {

    /**
     * BoringSSL's reason for an alert received from the peer, such as
     * {@code error:10000438:SSL routines:OPENSSL_internal:TLSV1_ALERT_INTERNAL_ERROR}.
     */
    private static final Pattern BORINGSSL_ALERT =
            Pattern.compile("(?:TLSV1|SSLV3)_ALERT_([A-Z_]+)");
    /** The JDK provider's text for an alert received from the peer. */
    private static final Pattern JDK_ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");

    private TlsFailures() {
    }

    /**
     * Returns the name of the TLS alert that the peer sent, in the lower case of RFC 8446
     * (for example {@code internal_error}), or null when the error did not come from one.
     */
    public static String receivedAlert(Throwable error) {
        for (Throwable cause = error; cause != null; cause = next(cause)) {
            if (!(cause instanceof SSLException) || cause.getMessage() == null) {
                continue;
            }
            Matcher boringSsl = BORINGSSL_ALERT.matcher(cause.getMessage());
            if (boringSsl.find()) {
                return boringSsl.group(1).toLowerCase(Locale.ROOT);
            }
            Matcher jdk = JDK_ALERT.matcher(cause.getMessage());
            if (jdk.find()) {
                return jdk.group(1);
            }
        }
        return null;
    }

    /**
     * Returns a short text of the TLS failure in {@code error}: {@code TLS failed: the peer sent
     * alert NAME}, or {@code TLS failed: } and the innermost message. Returns null when no
     * {@link SSLException} is in the cause chain.
     */
    public static String describe(Throwable error) {
        Throwable ssl = null;
        for (Throwable cause = error; cause != null; cause = next(cause)) {
            if (cause instanceof SSLException) {
                ssl = cause;
                break;
            }
        }
        if (ssl == null) {
            return null;
        }
        String alert = receivedAlert(ssl);
        if (alert != null) {
            return "TLS failed: the peer sent alert " + alert;
        }
        Throwable root = ssl;
        while (next(root) != null) {
            root = next(root);
        }
        return "TLS failed: " + (root.getMessage() == null ? root.toString() : root.getMessage());
    }

    private static Throwable next(Throwable cause) {
        Throwable next = cause.getCause();
        return next == cause ? null : next;
    }
}
