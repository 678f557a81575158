package io.ztna.proto.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.config.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPatternTest {

    @Test
    void exactNameIgnoresCaseAndTrailingDot() {
        HostPattern pattern = HostPattern.parse("Intranet.Corp.Internal");

        assertThat(pattern.kind()).isEqualTo(HostPattern.Kind.NAME);
        assertThat(pattern.name()).isEqualTo("intranet.corp.internal");
        assertThat(pattern.matches("intranet.corp.internal")).isTrue();
        assertThat(pattern.matches("INTRANET.corp.internal.")).isTrue();
        assertThat(pattern.matches("intranet.corp.internal..")).isFalse();
        assertThat(pattern.matches("x.intranet.corp.internal")).isFalse();
        assertThat(pattern.matches("intranet.corp")).isFalse();
    }

    @Test
    void internationalNameMatchesItsAsciiForm() {
        HostPattern unicode = HostPattern.parse("bücher.example");
        HostPattern ascii = HostPattern.parse("xn--bcher-kva.example");

        assertThat(unicode.name()).isEqualTo("xn--bcher-kva.example");
        assertThat(unicode.matches("xn--bcher-kva.example")).isTrue();
        assertThat(unicode.matches("BÜCHER.example.")).isTrue();
        assertThat(ascii.matches("bücher.example")).isTrue();
        assertThat(ascii).isEqualTo(unicode);
        assertThat(ascii.matches("bucher.example")).isFalse();
    }

    @Test
    void wildcardMatchesAnyDepthButNotApex() {
        HostPattern pattern = HostPattern.parse("*.corp.internal");

        assertThat(pattern.kind()).isEqualTo(HostPattern.Kind.WILDCARD);
        assertThat(pattern.name()).isEqualTo("corp.internal");
        assertThat(pattern.matches("a.corp.internal")).isTrue();
        assertThat(pattern.matches("a.b.c.corp.internal")).isTrue();
        assertThat(pattern.matches("A.CORP.INTERNAL.")).isTrue();
        assertThat(pattern.matches("corp.internal")).isFalse();
        assertThat(pattern.matches("corp.internal.")).isFalse();
        assertThat(pattern.matches("xcorp.internal")).isFalse();
        assertThat(pattern.matches("10.0.0.1")).isFalse();
    }

    @Test
    void ipv4AddressMatchesOnlyItself() {
        HostPattern pattern = HostPattern.parse("10.20.0.5");

        assertThat(pattern.kind()).isEqualTo(HostPattern.Kind.ADDRESS);
        assertThat(pattern.matches("10.20.0.5")).isTrue();
        assertThat(pattern.matches("::ffff:10.20.0.5")).isTrue();
        assertThat(pattern.matches("10.20.0.6")).isFalse();
        assertThat(pattern.matches("host.lab.internal")).isFalse();
    }

    @Test
    void ipv6AddressIgnoresNotationAndBrackets() {
        HostPattern pattern = HostPattern.parse("fd00::1");

        assertThat(pattern.kind()).isEqualTo(HostPattern.Kind.ADDRESS);
        assertThat(pattern.matches("fd00:0:0:0:0:0:0:1")).isTrue();
        assertThat(pattern.matches("[FD00::1]")).isTrue();
        assertThat(pattern.matches("fd00::2")).isFalse();
    }

    @Test
    void ipv4CidrBoundaries() {
        HostPattern pattern = HostPattern.parse("10.20.0.0/16");

        assertThat(pattern.kind()).isEqualTo(HostPattern.Kind.CIDR);
        assertThat(pattern.prefixLength()).isEqualTo(16);
        assertThat(pattern.matches("10.20.0.0")).isTrue();
        assertThat(pattern.matches("10.20.255.255")).isTrue();
        assertThat(pattern.matches("10.19.255.255")).isFalse();
        assertThat(pattern.matches("10.21.0.0")).isFalse();
        assertThat(pattern.matches("::a14:1")).isFalse();
    }

    @Test
    void ipv4CidrOddPrefix() {
        HostPattern pattern = HostPattern.parse("192.168.1.64/27");

        assertThat(pattern.matches("192.168.1.64")).isTrue();
        assertThat(pattern.matches("192.168.1.95")).isTrue();
        assertThat(pattern.matches("192.168.1.63")).isFalse();
        assertThat(pattern.matches("192.168.1.96")).isFalse();
    }

    @Test
    void ipv6CidrBoundaries() {
        HostPattern pattern = HostPattern.parse("fd00:1234::/32");

        assertThat(pattern.matches("fd00:1234::")).isTrue();
        assertThat(pattern.matches("fd00:1234:ffff:ffff:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(pattern.matches("fd00:1233:ffff:ffff:ffff:ffff:ffff:ffff")).isFalse();
        assertThat(pattern.matches("fd00:1235::")).isFalse();
        assertThat(pattern.matches("10.0.0.1")).isFalse();
    }

    @Test
    void cidrIgnoresHostBits() {
        HostPattern pattern = HostPattern.parse("10.20.1.7/16");

        assertThat(pattern.address()).containsExactly(10, 20, 0, 0);
        assertThat(pattern.matches("10.20.200.1")).isTrue();
        assertThat(pattern).hasToString("10.20.1.7/16");
    }

    @Test
    void zeroPrefixCoversFamily() {
        HostPattern pattern = HostPattern.parse("0.0.0.0/0");

        assertThat(pattern.matches("255.255.255.255")).isTrue();
        assertThat(pattern.matches("::1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*", "*.", "a..b", ".a.b", "host name", "a/b", "10.0.0.0/33",
            "fd00::/129", "10.0.0.0/", "10.0.0.0/x", "nothost/8", "*.*.a", "a.b..",
            "exa$mple.com"})
    void invalidPatternNamesValue(String text) {
        assertThatThrownBy(() -> HostPattern.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid value '" + text + "': expected a host name, *.domain, "
                        + "an IPv4 or IPv6 address, or a CIDR block like 10.20.0.0/16");
    }

    @Test
    void tooLongLabelIsInvalid() {
        String label = "a".repeat(64);

        assertThatThrownBy(() -> HostPattern.parse(label + ".example"))
                .isInstanceOf(InvalidValueException.class);
        assertThat(HostPattern.parse("a".repeat(63) + ".example").kind())
                .isEqualTo(HostPattern.Kind.NAME);
    }
}
