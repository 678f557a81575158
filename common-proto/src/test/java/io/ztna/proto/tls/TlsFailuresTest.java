package io.ztna.proto.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsFailuresTest {

    @Test
    void boringSslAlertNamed() {
        DecoderException error = new DecoderException(new SSLHandshakeException(
                "error:10000438:SSL routines:OPENSSL_internal:TLSV1_ALERT_INTERNAL_ERROR"));
        assertThat(TlsFailures.receivedAlert(error)).isEqualTo("internal_error");
        assertThat(TlsFailures.describe(error))
                .isEqualTo("TLS failed: the peer sent alert internal_error");
    }

    @Test
    void boringSslSslv3AlertNamed() {
        SSLException error = new SSLException(
                "error:10000413:SSL routines:OPENSSL_internal:SSLV3_ALERT_UNSUPPORTED_CERTIFICATE");
        assertThat(TlsFailures.receivedAlert(error)).isEqualTo("unsupported_certificate");
    }

    @Test
    void jdkAlertNamed() {
        DecoderException error = new DecoderException(
                new SSLHandshakeException("Received fatal alert: certificate_unknown"));
        assertThat(TlsFailures.receivedAlert(error)).isEqualTo("certificate_unknown");
        assertThat(TlsFailures.describe(error))
                .isEqualTo("TLS failed: the peer sent alert certificate_unknown");
    }

    @Test
    void otherTlsErrorKeepsRootMessage() {
        SSLException error = new SSLException("engine closed",
                new IllegalStateException("no cipher suites in common"));
        assertThat(TlsFailures.receivedAlert(error)).isNull();
        assertThat(TlsFailures.describe(error)).isEqualTo("TLS failed: no cipher suites in common");
    }

    @Test
    void nonTlsErrorNotDescribed() {
        IOException error = new IOException("Connection reset by peer");
        assertThat(TlsFailures.receivedAlert(error)).isNull();
        assertThat(TlsFailures.describe(error)).isNull();
    }
}
