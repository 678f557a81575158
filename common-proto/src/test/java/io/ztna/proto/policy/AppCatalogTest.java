package io.ztna.proto.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ztna.proto.frame.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppCatalogTest {

    private static App app(String name, List<String> hosts, String... protocols) {
        List<HostPattern> patterns = new ArrayList<>();
        hosts.forEach(host -> patterns.add(HostPattern.parse(host)));
        List<AppProtocol> entries = new ArrayList<>();
        for (String protocol : protocols) {
            entries.add(AppProtocol.parse(protocol));
        }
        return new App(name, patterns, entries, List.of(), false);
    }

    private static String match(AppCatalog catalog, String host, int port) {
        Optional<App> app = catalog.match(host, Protocol.TCP, port);
        return app.map(App::name).orElse(null);
    }

    @Test
    void hostKindsMatchAsDocumented() {
        AppCatalog catalog = new AppCatalog(List.of(
                app("exact", List.of("Intranet.Corp.Internal"), "tcp:443"),
                app("wild", List.of("*.corp.internal"), "tcp:443"),
                app("net4", List.of("10.20.0.0/16"), "tcp:1-65535"),
                app("host4", List.of("10.20.1.5"), "tcp:22"),
                app("net6", List.of("fd00:1::/32"), "tcp:443"),
                app("idn", List.of("bücher.example"), "tcp:443")));

        assertThat(match(catalog, "intranet.corp.internal.", 443)).isEqualTo("exact");
        assertThat(match(catalog, "INTRANET.corp.internal", 443)).isEqualTo("exact");
        assertThat(match(catalog, "wiki.corp.internal", 443)).isEqualTo("wild");
        assertThat(match(catalog, "a.b.c.corp.internal", 443)).isEqualTo("wild");
        assertThat(match(catalog, "corp.internal", 443)).isNull();
        assertThat(match(catalog, "wiki.corp.internal", 80)).isNull();
        assertThat(match(catalog, "10.20.1.5", 22)).isEqualTo("host4");
        assertThat(match(catalog, "10.20.1.5", 80)).isEqualTo("net4");
        assertThat(match(catalog, "10.20.255.255", 1)).isEqualTo("net4");
        assertThat(match(catalog, "10.21.0.0", 1)).isNull();
        assertThat(match(catalog, "fd00:1:ffff::1", 443)).isEqualTo("net6");
        assertThat(match(catalog, "[fd00:1::9]", 443)).isEqualTo("net6");
        assertThat(match(catalog, "fd00:2::1", 443)).isNull();
        assertThat(match(catalog, "xn--bcher-kva.example", 443)).isEqualTo("idn");
        assertThat(match(catalog, "BÜCHER.example", 443)).isEqualTo("idn");
    }

    @Test
    void portRangeBoundsInclusive() {
        AppCatalog catalog = new AppCatalog(List.of(
                app("lab", List.of("host.lab.internal"), "tcp:18000-18999")));

        assertThat(match(catalog, "host.lab.internal", 17999)).isNull();
        assertThat(match(catalog, "host.lab.internal", 18000)).isEqualTo("lab");
        assertThat(match(catalog, "host.lab.internal", 18999)).isEqualTo("lab");
        assertThat(match(catalog, "host.lab.internal", 19000)).isNull();
        assertThat(catalog.match("host.lab.internal", Protocol.UDP, 18000)).isEmpty();
    }

    @Test
    void thousandsOfAppsIndexed() {
        List<App> apps = new ArrayList<>();
        for (int a = 0; a < 2_000; a++) {
            List<String> hosts = new ArrayList<>();
            for (int h = 0; h < 500; h++) {
                hosts.add("h" + h + ".app" + a + ".corp.internal");
            }
            apps.add(app("app" + a, hosts, "tcp:443"));
        }
        AppCatalog catalog = new AppCatalog(apps);

        for (int i = 0; i < 10_000; i++) {
            int a = (i * 7919) % 2_000;
            int h = (i * 104_729) % 500;
            assertThat(match(catalog, "h" + h + ".app" + a + ".corp.internal", 443))
                    .isEqualTo("app" + a);
        }
        assertThat(match(catalog, "h500.app1.corp.internal", 443)).isNull();
    }

    @Test
    void invalidEntriesRejected() {
        assertThatThrownBy(() -> AppProtocol.parse("tcp:0"))
                .hasMessage("invalid protocol 'tcp:0' (expected: tcp:N, tcp:N-M, udp:N or "
                        + "udp:N-M with 1 <= N <= M <= 65535)");
        assertThatThrownBy(() -> AppProtocol.parse("tcp:20-10"))
                .hasMessageStartingWith("invalid protocol 'tcp:20-10'");
        assertThatThrownBy(() -> AppProtocol.parse("sctp:80"))
                .hasMessageStartingWith("invalid protocol 'sctp:80'");
        assertThatThrownBy(() -> HostPattern.parse("10.0.0.0/33"))
                .hasMessage("invalid CIDR block '10.0.0.0/33' (expected: ADDRESS/PREFIX, for "
                        + "example 10.20.0.0/16 or fd00::/8)");
        assertThatThrownBy(() -> HostPattern.parse("bad host!"))
                .hasMessageStartingWith("invalid host 'bad host!'");
    }
}
