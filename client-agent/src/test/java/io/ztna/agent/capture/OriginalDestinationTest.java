package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Parsing of the socket addresses that SO_ORIGINAL_DST fills. */
class OriginalDestinationTest {

    @Test
    void ipv4SockaddrParsed() throws Exception {
        // sockaddr_in: family AF_INET (2) in host order, port 443, address 100.64.0.7.
        ByteBuffer sockaddr = ByteBuffer.wrap(new byte[] {2, 0, 0x01, (byte) 0xbb,
            100, 64, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0});

        assertThat(OriginalDestination.parse(sockaddr, false)).isEqualTo(
                new InetSocketAddress(InetAddress.getByName("100.64.0.7"), 443));
    }

    @Test
    void ipv6SockaddrParsed() throws Exception {
        // sockaddr_in6: family AF_INET6 (10), port 8443, flow info, address, scope id.
        byte[] bytes = new byte[28];
        bytes[0] = 10;
        bytes[2] = 0x20;
        bytes[3] = (byte) 0xfb;
        byte[] address = InetAddress.getByName("fd7a:115c::5").getAddress();
        System.arraycopy(address, 0, bytes, 8, 16);

        assertThat(OriginalDestination.parse(ByteBuffer.wrap(bytes), true)).isEqualTo(
                new InetSocketAddress(InetAddress.getByName("fd7a:115c::5"), 8443));
    }
}
