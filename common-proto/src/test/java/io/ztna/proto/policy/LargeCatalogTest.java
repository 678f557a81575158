package io.ztna.proto.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.frame.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A catalog of 2,000 apps with 500 host entries each (names, wildcards, IPv4 and IPv6 blocks)
 * builds and matches 10,000 lookups correctly. The run time is not asserted, but the index
 * should keep this test to a few seconds.
 */
class LargeCatalogTest {

    private static final int APPS = 2_000;
    private static final int HOSTS_PER_APP = 500;
    private static final int LOOKUPS = 10_000;

    /** Built once, because building a million host entries takes seconds. */
    private static AppCatalog catalog;

    @BeforeAll
    static void buildCatalog() {
        catalog = new AppCatalog(apps());
    }

    /**
     * Returns host entry {@code j} of app {@code i}. Entries cycle through two names, a
     * wildcard, an IPv4 /28 and an IPv6 /64, and no two entries overlap.
     */
    private static String hostEntry(int i, int j) {
        return switch (j % 5) {
            case 0, 1 -> "h" + j + ".app" + i + ".corp.internal";
            case 2 -> "*.w" + j + ".app" + i + ".corp.internal";
            case 3 -> ipv4(block(i, j) * 16) + "/28";
            default -> "fd00:0:" + Integer.toHexString(i) + ":" + Integer.toHexString(j)
                    + "::/64";
        };
    }

    /** Returns a destination under entry {@code j} of app {@code i}, chosen by {@code random}. */
    private static String destination(int i, int j, Random random) {
        return switch (j % 5) {
            case 0, 1 -> (random.nextBoolean() ? "H" : "h") + j + ".app" + i
                    + ".corp.internal";
            case 2 -> "x" + random.nextInt(100) + ".y.w" + j + ".app" + i + ".corp.internal";
            case 3 -> ipv4(block(i, j) * 16 + random.nextInt(16));
            default -> "fd00:0:" + Integer.toHexString(i) + ":" + Integer.toHexString(j)
                    + ":" + Integer.toHexString(random.nextInt(0x10000)) + "::1";
        };
    }

    /** Returns the number of the IPv4 /28 block of entry {@code j} of app {@code i}. */
    private static int block(int i, int j) {
        return i * (HOSTS_PER_APP / 5) + j / 5;
    }

    /** Returns the address {@code offset} places after 10.0.0.0. */
    private static String ipv4(int offset) {
        return "10." + ((offset >>> 16) & 0xff) + "." + ((offset >>> 8) & 0xff) + "."
                + (offset & 0xff);
    }

    private static List<App> apps() {
        List<App> apps = new ArrayList<>(APPS);
        for (int i = 0; i < APPS; i++) {
            List<HostPattern> hosts = new ArrayList<>(HOSTS_PER_APP);
            for (int j = 0; j < HOSTS_PER_APP; j++) {
                hosts.add(HostPattern.parse(hostEntry(i, j)));
            }
            apps.add(new App("app" + i, hosts, List.of(AppProtocol.parse("tcp:443"),
                    AppProtocol.parse("tcp:" + (20_000 + i))), List.of("pub-1"), false));
        }
        return apps;
    }

    @Test
    void largeCatalogMatchesLookups() {
        Random random = new Random(20240601L);
        List<String> mismatches = new ArrayList<>();
        int misses = 0;

        for (int n = 0; n < LOOKUPS; n++) {
            int i = random.nextInt(APPS);
            int j = random.nextInt(HOSTS_PER_APP);
            String host = destination(i, j, random);
            int kind = random.nextInt(4);
            int port = switch (kind) {
                case 0 -> 443;
                case 1 -> 20_000 + i;
                case 2 -> 20_000 + (i + 1) % APPS;
                default -> 444;
            };
            String expected = kind < 2 ? "app" + i : "none";
            misses += kind < 2 ? 0 : 1;

            String matched = catalog.match(host, Protocol.TCP, port).map(App::name)
                    .orElse("none");

            if (!matched.equals(expected)) {
                mismatches.add("tcp " + host + ":" + port + " -> " + matched + ", expected "
                        + expected);
            }
        }

        assertThat(catalog.apps()).hasSize(APPS);
        assertThat(misses).isBetween(LOOKUPS / 4, LOOKUPS * 3 / 4);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void largeCatalogEdges() {
        assertThat(catalog.match("h0.app0.corp.internal", Protocol.TCP, 443).map(App::name))
                .contains("app0");
        assertThat(catalog.match("h499.app1999.corp.internal", Protocol.TCP, 21_999)
                .map(App::name)).isEmpty();
        assertThat(catalog.match("h496.app1999.corp.internal", Protocol.TCP, 21_999)
                .map(App::name)).contains("app1999");
        assertThat(catalog.match("w2.app7.corp.internal", Protocol.TCP, 443)).isEmpty();
        assertThat(catalog.match("a.w2.app7.corp.internal", Protocol.TCP, 443).map(App::name))
                .contains("app7");
        assertThat(catalog.match("10.0.0.0", Protocol.TCP, 443).map(App::name))
                .contains("app0");
        assertThat(catalog.match("10.0.0.15", Protocol.TCP, 443).map(App::name))
                .contains("app0");
        assertThat(catalog.match("10.0.0.16", Protocol.TCP, 443).map(App::name))
                .contains("app0");
        assertThat(catalog.match(ipv4(block(APPS - 1, 498) * 16 + 15), Protocol.TCP, 443)
                .map(App::name)).contains("app1999");
        assertThat(catalog.match(ipv4(block(APPS - 1, 498) * 16 + 16), Protocol.TCP, 443))
                .isEmpty();
        assertThat(catalog.match("fd00:0:7cf:1f3::", Protocol.TCP, 443).map(App::name))
                .contains("app1999");
        assertThat(catalog.match("fd00:0:7cf:1f4::", Protocol.TCP, 443)).isEmpty();
        assertThat(catalog.match("11.0.0.1", Protocol.TCP, 443)).isEmpty();
    }
}
