package io.ztna.proto.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.channels.NotYetConnectedException;
import org.junit.jupiter.api.Test;

class EarlyInboundTest {

    @Test
    void readBeforeConnectKeepsSocketUsable() {
        EarlyInbound early = new EarlyInbound();
        EmbeddedChannel channel = new EmbeddedChannel(early);

        channel.pipeline().fireExceptionCaught(new NotYetConnectedException());

        assertThat(early.inactive()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void readErrorMarksSocketInactive() {
        EarlyInbound early = new EarlyInbound();
        EmbeddedChannel channel = new EmbeddedChannel(early);

        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(early.inactive()).isTrue();
        channel.finishAndReleaseAll();
    }
}
