package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ztna.proto.relay.ByteCounter;
import io.ztna.proto.relay.EarlyData;
import io.ztna.proto.testing.LeakCheck;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class EarlyClientInputTest {

    private final EarlyClientInput input = new EarlyClientInput();
    private final EarlyData sent = new EarlyData();
    private final AtomicLong counted = new AtomicLong();
    private final ByteCounter counter = new ByteCounter() {
        @Override
        public void up(long bytes) {
            counted.addAndGet(bytes);
        }

        @Override
        public void down(long bytes) {
        }
    };

    @Test
    void sendsAtMostTheLimitEarly() {
        input.sendThrough(sent, counter);

        input.add(bytes(40_000));
        input.markInputShutdown();

        assertThat(sent.bytes()).isEqualTo(EarlyClientInput.LIMIT_BYTES);
        assertThat(counted).hasValue(EarlyClientInput.LIMIT_BYTES);
        assertThat(keptBytes()).isEqualTo(40_000 - EarlyClientInput.LIMIT_BYTES);
        assertThat(sent.finished()).as("EOF sent early although bytes wait before it").isFalse();
        assertThat(input.wantsMore()).isFalse();
        sent.settle();
        input.release();
    }

    @Test
    void keptBytesSentUpToLimit() {
        input.add(bytes(10_000));
        input.add(bytes(10_000));

        input.sendThrough(sent, counter);
        input.add(bytes(5));

        assertThat(sent.bytes()).isEqualTo(EarlyClientInput.LIMIT_BYTES);
        assertThat(keptBytes()).isEqualTo(20_005 - EarlyClientInput.LIMIT_BYTES);
        sent.settle();
        input.release();
    }

    @Test
    void eofFollowsEarlyBytesBelowTheLimit() {
        input.sendThrough(sent, counter);

        input.add(bytes(100));
        input.markInputShutdown();

        assertThat(sent.bytes()).isEqualTo(100);
        assertThat(counted).hasValue(100);
        assertThat(keptBytes()).isZero();
        assertThat(sent.finished()).isTrue();
        sent.settle();
        input.release();
    }

    private long keptBytes() {
        long total = 0;
        for (ByteBuf data : input.queue()) {
            total += data.readableBytes();
        }
        return total;
    }

    private static ByteBuf bytes(int length) {
        return Unpooled.wrappedBuffer(new byte[length]);
    }
}
