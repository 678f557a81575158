package io.ztna.proto.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the TLS implementation once per JVM: BoringSSL through netty-tcnative when it loads and
 * supports TLS 1.3, the JDK otherwise, or the JDK when the system property
 * {@value #PROVIDER_PROPERTY} is {@code jdk}. The choice and its reason are logged once at INFO.
 */
final class TlsProviders {
    static final String PROVIDER_PROPERTY = "ztna.tls.provider";
    private static final Logger log = LoggerFactory.getLogger(TlsProviders.class);

    private TlsProviders() {
    }

    /** Returns the provider chosen when this class was first used. */
    static SslProvider selected() {
        return Holder.SELECTED;
    }

    /** Returns the provider for a value of {@value #PROVIDER_PROPERTY}, empty when unset. */
    static SslProvider select(String property) {
        String forced = property.trim().toLowerCase(Locale.ROOT);
        if (forced.equals("jdk")) {
            log.info("TLS provider selected: provider=JDK reason=\"{}=jdk is set\"",
                    PROVIDER_PROPERTY);
            return SslProvider.JDK;
        }
        if (!forced.isEmpty() && !forced.equals("openssl")) {
            log.warn("TLS provider property ignored: {}={} (expected jdk or openssl)",
                    PROVIDER_PROPERTY, forced);
        }
        if (!OpenSsl.isAvailable()) {
            log.info("TLS provider selected: provider=JDK"
                    + " reason=\"netty-tcnative unavailable: {}\"", OpenSsl.unavailabilityCause());
            return SslProvider.JDK;
        }
        if (!SslProvider.isTlsv13Supported(SslProvider.OPENSSL)) {
            log.info("TLS provider selected: provider=JDK reason=\"{} lacks TLS 1.3\"",
                    OpenSsl.versionString());
            return SslProvider.JDK;
        }
        log.info("TLS provider selected: provider=OPENSSL reason=\"{} loaded\"",
                OpenSsl.versionString());
        return SslProvider.OPENSSL;
    }

    /** Defers the selection, and its log line, to the first TLS context that needs it. */
    private static final class Holder {
        static final SslProvider SELECTED = select(System.getProperty(PROVIDER_PROPERTY, ""));
    }
}
