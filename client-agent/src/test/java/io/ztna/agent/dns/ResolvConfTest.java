package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading nameservers from a resolv.conf file written by the test. */
class ResolvConfTest {

    @TempDir
    Path dir;

    @Test
    void nameserversInFileOrder() throws Exception {
        Path file = dir.resolve("resolv.conf");
        Files.writeString(file, """
                # generated
                search corp.internal
                nameserver 127.0.0.53
                options edns0 trust-ad
                nameserver  fe80::1%eth0
                nameserver resolver.example
                ;nameserver 127.0.0.9
                nameserver ::1
                """);

        assertThat(ResolvConf.nameservers(file)).containsExactly(
                new InetSocketAddress(InetAddress.getByName("127.0.0.53"), 53),
                new InetSocketAddress(InetAddress.getByName("fe80::1"), 53),
                new InetSocketAddress(InetAddress.getByName("::1"), 53));
    }
}
