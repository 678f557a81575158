package io.ztna.proto.policy;

import static io.ztna.proto.policy.Apps.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.config.InvalidValueException;
import io.ztna.proto.frame.Protocol;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Edge cases of host and port matching as tables: wildcard depth, apex names, case, trailing
 * dots, internationalised names, CIDR boundaries of both families and port range boundaries.
 */
class HostMatchingTableTest {

    /** Apps whose hosts and ports do not overlap, so each lookup has one right answer. */
    private static final AppCatalog CATALOG = new AppCatalog(List.of(
            app("apex", "corp.internal", "tcp:443"),
            app("wild", "*.corp.internal", "tcp:443"),
            app("deep", "*.b.corp.internal", "tcp:443"),
            app("idn", "bücher.example", "tcp:443"),
            app("idn-wild", "*.xn--bcher-kva.example", "tcp:443"),
            app("v4-block", "10.20.0.0/16", "tcp:443"),
            app("v4-one", "192.0.2.7/32", "tcp:443"),
            app("v4-all", "0.0.0.0/0", "udp:9"),
            app("v6-block", "2001:db8:1:2::/64", "tcp:443"),
            app("v6-one", "2001:db8::7/128", "tcp:443"),
            app("v6-all", "::/0", "udp:9"),
            app("mapped", "::ffff:172.16.0.0/108", "tcp:443"),
            app("range", "ports.example", "tcp:18000-18999"),
            app("edges", "edges.example", "tcp:1,tcp:65535,udp:53")));

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        // Wildcards cover names at any depth below the domain, never the domain itself.
        "*.corp.internal, a.corp.internal, true",
        "*.corp.internal, a.b.c.corp.internal, true",
        "*.corp.internal, corp.internal, false",
        "*.corp.internal, xcorp.internal, false",
        "*.corp.internal, a.xcorp.internal, false",
        "*.corp.internal, corp.internal.evil.example, false",
        "*.b.corp.internal, a.b.corp.internal, true",
        "*.b.corp.internal, x.y.b.corp.internal, true",
        "*.b.corp.internal, b.corp.internal, false",
        "*.b.corp.internal, a.corp.internal, false",
        // An apex name covers only itself.
        "corp.internal, corp.internal, true",
        "corp.internal, a.corp.internal, false",
        "corp.internal, internal, false",
        // Case does not matter, on either side.
        "Intranet.Corp.Internal, intranet.corp.internal, true",
        "intranet.corp.internal, INTRANET.Corp.internal, true",
        "*.CORP.internal, Wiki.Corp.INTERNAL, true",
        // One trailing dot is ignored, on either side; two make an invalid name.
        "intranet.corp.internal., intranet.corp.internal, true",
        "intranet.corp.internal, intranet.corp.internal., true",
        "intranet.corp.internal, intranet.corp.internal.., false",
        "*.corp.internal, a.corp.internal., true",
        "*.corp.internal., a.corp.internal, true",
        "*.corp.internal, a.corp.internal.., false",
        // Internationalised names equal their ASCII (IDNA) form, in both directions.
        "bücher.example, xn--bcher-kva.example, true",
        "xn--bcher-kva.example, bücher.example, true",
        "BÜCHER.example, bücher.example, true",
        "bücher.example, XN--BCHER-KVA.EXAMPLE, true",
        "*.bücher.example, shop.xn--bcher-kva.example, true",
        "*.xn--bcher-kva.example, shop.bücher.example, true",
        "bücher.example, bucher.example, false",
        "*.bücher.example, bücher.example, false",
        // IPv4 blocks: first and last address, one outside on each side.
        "10.20.0.0/16, 10.20.0.0, true",
        "10.20.0.0/16, 10.20.255.255, true",
        "10.20.0.0/16, 10.19.255.255, false",
        "10.20.0.0/16, 10.21.0.0, false",
        "10.20.0.0/16, intranet.corp.internal, false",
        "0.0.0.0/0, 0.0.0.0, true",
        "0.0.0.0/0, 255.255.255.255, true",
        "0.0.0.0/0, ::1, false",
        "192.0.2.7/32, 192.0.2.7, true",
        "192.0.2.7/32, 192.0.2.6, false",
        "192.0.2.7/32, 192.0.2.8, false",
        "192.0.2.7, 192.0.2.7, true",
        // IPv6 blocks: first and last address, one outside on each side, brackets.
        "2001:db8:1:2::/64, 2001:db8:1:2::, true",
        "2001:db8:1:2::/64, 2001:db8:1:2:ffff:ffff:ffff:ffff, true",
        "2001:db8:1:2::/64, 2001:db8:1:1:ffff:ffff:ffff:ffff, false",
        "2001:db8:1:2::/64, 2001:db8:1:3::, false",
        "2001:db8:1:2::/64, [2001:DB8:1:2::abcd], true",
        "2001:db8::7/128, 2001:db8::7, true",
        "2001:db8::7/128, 2001:db8:0:0:0:0:0:7, true",
        "2001:db8::7/128, 2001:db8::6, false",
        "2001:db8::7/128, 2001:db8::8, false",
        "::/0, ::, true",
        "::/0, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, true",
        "::/0, 10.0.0.1, false",
        // IPv4-mapped IPv6 addresses and blocks are matched in their IPv4 form.
        "10.0.0.0/8, ::ffff:10.1.2.3, true",
        "10.0.0.0/8, [::ffff:10.1.2.3], true",
        "10.0.0.0/8, ::ffff:11.1.2.3, false",
        "10.1.2.3, ::ffff:a01:203, true",
        "::ffff:10.0.0.0/104, 10.0.0.0, true",
        "::ffff:10.0.0.0/104, ::ffff:10.255.255.255, true",
        "::ffff:10.0.0.0/104, 9.255.255.255, false",
        "::ffff:10.0.0.0/104, 11.0.0.0, false",
        "::ffff:10.1.2.3/128, 10.1.2.3, true",
        "::ffff:10.1.2.3/128, 10.1.2.4, false",
        "::ffff:0:0/96, 203.0.113.9, true",
        "::/0, ::ffff:10.0.0.1, false",
        "2001:db8:1:2::/64, ::ffff:10.0.0.1, false",
    })
    void patternMatchesHost(String pattern, String host, boolean expected) {
        assertThat(HostPattern.parse(pattern).matches(host)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "::ffff:10.0.0.0/104, 10.0.0.0/8",
        "::ffff:10.1.2.3/128, 10.1.2.3/32",
        "::ffff:0:0/96, 0.0.0.0/0",
        "Bücher.Example., xn--bcher-kva.example",
        "*.CORP.internal., *.corp.internal",
    })
    void equivalentPatternsAreEqual(String written, String canonical) {
        assertThat(HostPattern.parse(written)).isEqualTo(HostPattern.parse(canonical));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "intranet.corp.internal.. | a host name, *.domain, an IPv4 or IPv6 address, "
                + "or a CIDR block like 10.20.0.0/16",
        "*.corp.internal.. | a host name, *.domain, an IPv4 or IPv6 address, "
                + "or a CIDR block like 10.20.0.0/16",
        "10.0.0.0/33 | a host name, *.domain, an IPv4 or IPv6 address, "
                + "or a CIDR block like 10.20.0.0/16",
        "2001:db8::/129 | a host name, *.domain, an IPv4 or IPv6 address, "
                + "or a CIDR block like 10.20.0.0/16",
        "::ffff:10.0.0.0/8 | an IPv4-mapped block with a prefix length from 96 to 128, "
                + "such as ::ffff:10.0.0.0/104, or its IPv4 form 10.0.0.0/8",
        "::ffff:10.0.0.0/129 | an IPv4-mapped block with a prefix length from 96 to 128, "
                + "such as ::ffff:10.0.0.0/104, or its IPv4 form 10.0.0.0/8",
    })
    void invalidPatternIsRejected(String pattern, String expected) {
        assertThatThrownBy(() -> HostPattern.parse(pattern))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid value '" + pattern + "': expected " + expected);
    }

    @ParameterizedTest(name = "{1} {0}:{2} -> {3}")
    @CsvSource({
        // The most specific host entry decides: exact name, then the longest wildcard.
        "corp.internal, tcp, 443, apex",
        "a.corp.internal, tcp, 443, wild",
        "b.corp.internal, tcp, 443, wild",
        "a.b.corp.internal, tcp, 443, deep",
        "a.b.c.corp.internal, tcp, 443, wild",
        "A.B.CORP.INTERNAL., tcp, 443, deep",
        "xcorp.internal, tcp, 443, none",
        "a.corp.internal.., tcp, 443, none",
        "internal, tcp, 443, none",
        "xn--bcher-kva.example, tcp, 443, idn",
        "BÜCHER.example, tcp, 443, idn",
        "shop.bücher.example, tcp, 443, idn-wild",
        // IPv4: the longest prefix decides; /0 serves only udp:9.
        "10.20.0.0, tcp, 443, v4-block",
        "10.20.255.255, tcp, 443, v4-block",
        "10.19.255.255, tcp, 443, none",
        "10.21.0.0, tcp, 443, none",
        "10.19.255.255, udp, 9, v4-all",
        "192.0.2.7, tcp, 443, v4-one",
        "192.0.2.8, tcp, 443, none",
        "::ffff:192.0.2.7, tcp, 443, v4-one",
        "172.16.0.0, tcp, 443, mapped",
        "172.31.255.255, tcp, 443, mapped",
        "172.32.0.0, tcp, 443, none",
        // IPv6.
        "2001:db8:1:2::, tcp, 443, v6-block",
        "2001:db8:1:2:ffff:ffff:ffff:ffff, tcp, 443, v6-block",
        "2001:db8:1:1:ffff:ffff:ffff:ffff, tcp, 443, none",
        "2001:db8:1:3::, tcp, 443, none",
        "[2001:db8::7], tcp, 443, v6-one",
        "2001:db8::8, tcp, 443, none",
        "2001:db8::8, udp, 9, v6-all",
        "::ffff:10.0.0.1, udp, 9, v4-all",
        // Port ranges: N-1, N, inside, M, M+1; protocols must match too.
        "ports.example, tcp, 17999, none",
        "ports.example, tcp, 18000, range",
        "ports.example, tcp, 18500, range",
        "ports.example, tcp, 18999, range",
        "ports.example, tcp, 19000, none",
        "ports.example, udp, 18000, none",
        "edges.example, tcp, 1, edges",
        "edges.example, tcp, 2, none",
        "edges.example, tcp, 65534, none",
        "edges.example, tcp, 65535, edges",
        "edges.example, udp, 1, none",
        "edges.example, udp, 65535, none",
        "edges.example, udp, 53, edges",
        "edges.example, tcp, 53, none",
    })
    void catalogMatchesFlow(String host, String protocol, int port, String expected) {
        Protocol flowProtocol = Protocol.valueOf(protocol.toUpperCase());

        String matched = CATALOG.match(host, flowProtocol, port).map(App::name).orElse("none");

        assertThat(matched).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "tcp:0 | tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535",
        "tcp:65536 | tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535",
        "udp:0-53 | tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535",
        "tcp:100-99 | tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535",
        "sctp:80 | tcp:N, tcp:N-M, udp:N or udp:N-M with 1 <= N <= M <= 65535",
    })
    void invalidProtocolEntryIsRejected(String entry, String expected) {
        assertThatThrownBy(() -> AppProtocol.parse(entry))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid value '" + entry + "': expected " + expected);
    }
}
