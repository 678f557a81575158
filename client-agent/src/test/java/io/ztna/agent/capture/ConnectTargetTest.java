package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectTargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ' ', value = {
        "intranet.corp.internal:443 intranet.corp.internal 443",
        "10.1.2.3:22 10.1.2.3 22",
        "[2001:db8::1]:443 2001:db8::1 443",
        "[::1]:65535 ::1 65535",
        "http://intranet.corp.internal intranet.corp.internal 80",
        "https://intranet.corp.internal/path?q=1 intranet.corp.internal 443",
        "HTTPS://[2001:db8::2]:8443/ 2001:db8::2 8443",
        "ssh://host.lab.internal:22 host.lab.internal 22"})
    void validTargetParsed(String target, String host, int port) {
        ConnectTarget parsed = ConnectTarget.parse(target);

        assertThat(parsed.host()).isEqualTo(host);
        assertThat(parsed.port()).isEqualTo(port);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "host", "host:", ":443", "host:0", "host:65536", "host:+80",
        "host:123456", "2001:db8::1:443", "[2001:db8::1]", "[2001:db8::1]443",
        "[fe80::1%eth0]:443", "[not-v6]:443", "user@host:443", "ssh://host.lab.internal",
        "http://user@host/", "ho st:80"})
    void invalidTargetRejected(String target) {
        assertThatThrownBy(() -> ConnectTarget.parse(target))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid CONNECT target '" + target + "' (expected: "
                        + ConnectTarget.EXPECTED + ")");
    }
}
