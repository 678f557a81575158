package io.ztna.proto.policy;

import static io.ztna.proto.policy.Apps.app;
import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.frame.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppCatalogTest {

    private static String matchName(AppCatalog catalog, String host, Protocol protocol, int port) {
        return catalog.match(host, protocol, port).map(App::name).orElse("none");
    }

    @Test
    void exactBeatsWildcardBeatsCidr() {
        AppCatalog catalog = new AppCatalog(List.of(
                app("wild", "*.lab.internal", "tcp:1-65535"),
                app("exact", "host.lab.internal", "tcp:1-65535"),
                app("deep-wild", "*.a.lab.internal", "tcp:1-65535")));

        assertThat(matchName(catalog, "host.lab.internal", Protocol.TCP, 22)).isEqualTo("exact");
        assertThat(matchName(catalog, "x.a.lab.internal", Protocol.TCP, 22))
                .isEqualTo("deep-wild");
        assertThat(matchName(catalog, "a.lab.internal", Protocol.TCP, 22)).isEqualTo("wild");
        assertThat(matchName(catalog, "lab.internal", Protocol.TCP, 22)).isEqualTo("none");
    }

    @Test
    void longestPrefixWins() {
        AppCatalog catalog = new AppCatalog(List.of(
                app("wide", "10.0.0.0/8", "tcp:1-65535"),
                app("narrow", "10.20.0.0/16", "tcp:1-65535"),
                app("one", "10.20.0.5", "tcp:1-65535"),
                app("v6", "fd00::/8", "tcp:1-65535")));

        assertThat(matchName(catalog, "10.20.0.5", Protocol.TCP, 80)).isEqualTo("one");
        assertThat(matchName(catalog, "10.20.0.6", Protocol.TCP, 80)).isEqualTo("narrow");
        assertThat(matchName(catalog, "10.21.0.6", Protocol.TCP, 80)).isEqualTo("wide");
        assertThat(matchName(catalog, "11.0.0.1", Protocol.TCP, 80)).isEqualTo("none");
        assertThat(matchName(catalog, "[fd12::1]", Protocol.TCP, 80)).isEqualTo("v6");
        assertThat(matchName(catalog, "fe80::1", Protocol.TCP, 80)).isEqualTo("none");
    }

    @Test
    void specificAppThatLacksPortFallsThrough() {
        AppCatalog catalog = new AppCatalog(List.of(
                app("web", "host.lab.internal", "tcp:443"),
                app("ssh", "*.lab.internal", "tcp:22")));

        assertThat(matchName(catalog, "host.lab.internal", Protocol.TCP, 443)).isEqualTo("web");
        assertThat(matchName(catalog, "host.lab.internal", Protocol.TCP, 22)).isEqualTo("ssh");
        assertThat(matchName(catalog, "host.lab.internal", Protocol.UDP, 22)).isEqualTo("none");
    }

    @Test
    void firstAppInOrderWinsTie() {
        AppCatalog catalog = new AppCatalog(List.of(
                app("first", "db.corp.internal", "tcp:5432"),
                app("second", "db.corp.internal", "tcp:5432,tcp:6432")));

        assertThat(matchName(catalog, "db.corp.internal", Protocol.TCP, 5432))
                .isEqualTo("first");
        assertThat(matchName(catalog, "db.corp.internal", Protocol.TCP, 6432))
                .isEqualTo("second");
    }

    @Test
    void flowNamesAreNormalised() {
        AppCatalog catalog = new AppCatalog(List.of(
                app("books", "bücher.example", "tcp:443"),
                app("wild", "*.Corp.Internal", "tcp:443")));

        assertThat(matchName(catalog, "XN--BCHER-KVA.example.", Protocol.TCP, 443))
                .isEqualTo("books");
        assertThat(matchName(catalog, "wiki.corp.internal.", Protocol.TCP, 443))
                .isEqualTo("wild");
        assertThat(matchName(catalog, "not a host", Protocol.TCP, 443)).isEqualTo("none");
    }

    @Test
    void ipv4MappedFlowMatchesIpv4Block() {
        AppCatalog catalog = new AppCatalog(List.of(app("lab", "10.20.0.0/16", "tcp:80")));

        assertThat(matchName(catalog, "::ffff:10.20.3.4", Protocol.TCP, 80)).isEqualTo("lab");
    }

    @Test
    void byNameFindsApp() {
        AppCatalog catalog = new AppCatalog(List.of(app("web", "w.example", "tcp:443")));

        assertThat(catalog.byName("web").map(App::name)).isEqualTo(Optional.of("web"));
        assertThat(catalog.byName("nope")).isEmpty();
    }

    /** 2,000 apps with 500 host entries each: names, wildcards, addresses and /32 blocks. */
    @Test
    void largeCatalogAnswersLookups() {
        List<App> apps = new ArrayList<>();
        for (int a = 0; a < 2_000; a++) {
            List<HostPattern> hosts = new ArrayList<>(500);
            for (int h = 0; h < 200; h++) {
                hosts.add(HostPattern.parse("h" + h + ".app" + a + ".corp.internal"));
            }
            for (int h = 0; h < 100; h++) {
                hosts.add(HostPattern.parse("*.w" + h + ".app" + a + ".corp.internal"));
            }
            for (int h = 0; h < 100; h++) {
                hosts.add(HostPattern.parse("fd00::" + Integer.toHexString(a) + ":" + h));
            }
            for (int h = 0; h < 100; h++) {
                hosts.add(HostPattern.parse("10." + (a / 200) + "." + (a % 200) + "."
                        + h + "/32"));
            }
            apps.add(new App("app" + a, hosts, List.of(AppProtocol.parse("tcp:443")),
                    List.of("pub-1"), false));
        }
        AppCatalog catalog = new AppCatalog(apps);

        int found = 0;
        for (int i = 0; i < 10_000; i++) {
            int a = (i * 7919) % 2_000;
            String host = switch (i % 4) {
                case 0 -> "h" + (i % 200) + ".app" + a + ".corp.internal";
                case 1 -> "x.y.w" + (i % 100) + ".app" + a + ".corp.internal";
                case 2 -> "fd00::" + Integer.toHexString(a) + ":" + (i % 100);
                default -> "10." + (a / 200) + "." + (a % 200) + "." + (i % 100);
            };
            if (catalog.match(host, Protocol.TCP, 443).map(App::name)
                    .equals(Optional.of("app" + a))) {
                found++;
            }
        }

        assertThat(found).isEqualTo(10_000);
        assertThat(matchName(catalog, "h199.app1999.corp.internal", Protocol.TCP, 443))
                .isEqualTo("app1999");
        assertThat(matchName(catalog, "a.w99.app0.corp.internal", Protocol.TCP, 443))
                .isEqualTo("app0");
        assertThat(matchName(catalog, "w99.app0.corp.internal", Protocol.TCP, 443))
                .isEqualTo("none");
        assertThat(matchName(catalog, "10.9.199.99", Protocol.TCP, 443)).isEqualTo("app1999");
        assertThat(matchName(catalog, "10.9.199.100", Protocol.TCP, 443)).isEqualTo("none");
        assertThat(matchName(catalog, "h0.app0.corp.internal", Protocol.TCP, 80))
                .isEqualTo("none");
    }
}
