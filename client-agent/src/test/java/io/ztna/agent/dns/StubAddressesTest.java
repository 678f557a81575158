package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ztna.proto.testing.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stub mappings of both families and their state file. */
class StubAddressesTest {

    private static final Duration IDLE = Duration.ofMinutes(10);
    private static final Duration TOUCH_SAVE = Duration.ofMinutes(1);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));

    private StubAddresses stubs(Path file) {
        return new StubAddresses(StubRange.parse("100.64.0.0/29"),
                StubRange.parse("fd7a:ffff:ffff::/126"), IDLE, new MappingFile(file), clock,
                TOUCH_SAVE);
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void mappingsSurviveSaveAndLoad() throws Exception {
        Path file = dir.resolve("state/dns-mappings.json");
        StubAddresses before = stubs(file);
        InetAddress intranet = before.addressFor("intranet.corp.internal", false);
        clock.advance(Duration.ofSeconds(30));
        InetAddress wiki = before.addressFor("wiki.corp.internal", false);
        InetAddress wiki6 = before.addressFor("wiki.corp.internal", true);
        before.save();

        StubAddresses after = stubs(file);
        after.load();

        assertThat(after.mappings()).isEqualTo(before.mappings());
        assertThat(after.mappings()).containsExactly(
                new StubMapping("wiki.corp.internal", ip("100.64.0.2"),
                        Instant.parse("2026-01-05T10:00:30Z")),
                new StubMapping("wiki.corp.internal", ip("fd7a:ffff:ffff::1"),
                        Instant.parse("2026-01-05T10:00:30Z")),
                new StubMapping("intranet.corp.internal", ip("100.64.0.1"),
                        Instant.parse("2026-01-05T10:00:00Z")));
        assertThat(after.addressFor("intranet.corp.internal", false)).isEqualTo(intranet);
        assertThat(after.addressFor("wiki.corp.internal", true)).isEqualTo(wiki6);
        assertThat(after.hostFor(wiki)).isEqualTo("wiki.corp.internal");
        assertThat(after.addressFor("new.corp.internal", false)).isEqualTo(ip("100.64.0.3"));
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .containsExactly("dns-mappings.json");
        }
    }

    @Test
    void loadKeepsReclaimOrder() throws Exception {
        Path file = dir.resolve("dns-mappings.json");
        StubAddresses before = stubs(file);
        for (int i = 1; i <= 6; i++) {
            before.addressFor("app" + i + ".corp.internal", false);
            clock.advance(Duration.ofSeconds(1));
        }
        before.hostFor(ip("100.64.0.1"));
        before.save();
        StubAddresses after = stubs(file);
        after.load();
        clock.advance(IDLE);

        assertThat(after.addressFor("app7.corp.internal", false)).isEqualTo(ip("100.64.0.2"));
    }

    @Test
    void loadDropsAddressesOutsideRanges() throws Exception {
        Path file = dir.resolve("dns-mappings.json");
        String used = "\"lastUsed\":\"2026-01-05T09:00:00Z\"";
        Files.writeString(file, "{\"mappings\":["
                + "{\"name\":\"a.corp.internal\",\"address\":\"100.64.0.4\"," + used + "},"
                + "{\"name\":\"b.corp.internal\",\"address\":\"100.64.0.9\"," + used + "},"
                + "{\"name\":\"C.Corp.Internal.\",\"address\":\"fd7a:ffff:ffff::2\"," + used + "}"
                + "]}");
        StubAddresses stubs = stubs(file);

        stubs.load();

        assertThat(stubs.size()).isEqualTo(2);
        assertThat(stubs.hostFor(ip("100.64.0.4"))).isEqualTo("a.corp.internal");
        assertThat(stubs.hostFor(ip("fd7a:ffff:ffff::2"))).isEqualTo("c.corp.internal");
        assertThat(stubs.hostFor(ip("100.64.0.9"))).isNull();
    }

    @Test
    void missingFileLoadsEmpty() throws Exception {
        StubAddresses stubs = stubs(dir.resolve("none.json"));

        stubs.load();

        assertThat(stubs.size()).isZero();
    }

    @Test
    void invalidFileRejected() throws Exception {
        Path file = dir.resolve("dns-mappings.json");
        Files.writeString(file, "{\"mappings\":[{\"name\":\"a.corp.internal\","
                + "\"address\":\"not-an-ip\",\"lastUsed\":\"2026-01-05T09:00:00Z\"}]}");

        Throwable thrown = catchThrowable(() -> stubs(file).load());

        assertThat(thrown).isInstanceOf(IOException.class)
                .hasMessage(file + ": invalid stub mapping a.corp.internal -> not-an-ip: "
                        + "expected a host name and an IP address");
    }

    @Test
    void saveIfChangedWritesNewMappingsAtOnce() throws Exception {
        Path file = dir.resolve("dns-mappings.json");
        StubAddresses stubs = stubs(file);
        stubs.load();

        assertThat(stubs.saveIfChanged()).isFalse();
        stubs.addressFor("intranet.corp.internal", false);
        assertThat(stubs.saveIfChanged()).isTrue();
        assertThat(stubs.saveIfChanged()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        stubs.addressFor("intranet.corp.internal", false);
        assertThat(stubs.saveIfChanged()).isFalse();
        clock.advance(TOUCH_SAVE);
        assertThat(stubs.saveIfChanged()).isTrue();
        assertThat(new MappingFile(file).read()).containsExactly(
                new StubMapping("intranet.corp.internal", ip("100.64.0.1"),
                        Instant.parse("2026-01-05T10:00:05Z")));
    }

    @Test
    void ipv6WithoutRangeReturnsNull() throws Exception {
        StubAddresses stubs = new StubAddresses(StubRange.parse("100.64.0.0/10"), null, IDLE,
                new MappingFile(dir.resolve("m.json")), clock, TOUCH_SAVE);

        assertThat(stubs.hasIpv6()).isFalse();
        assertThat(stubs.addressFor("intranet.corp.internal", true)).isNull();
        assertThat(stubs.mappings()).isEqualTo(List.of());
    }
}
