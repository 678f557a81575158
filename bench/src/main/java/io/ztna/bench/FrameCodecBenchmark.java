package io.ztna.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ztna.proto.frame.DataFrame;
import io.ztna.proto.frame.Frame;
import io.ztna.proto.frame.FrameDecoder;
import io.ztna.proto.frame.FrameEncoder;
import io.ztna.proto.frame.TunnelSettings;
import io.ztna.proto.frame.WindowUpdateFrame;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Round trip of one frame through {@link FrameEncoder} and {@link FrameDecoder}, each on its
 * own {@link EmbeddedChannel} with the pooled allocator the daemons use: encode, hand the
 * encoder's buffers to the decoder in order, take the decoded frame and release it. The
 * figure includes EmbeddedChannel's pipeline overhead, which the daemons' channels have too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCodecBenchmark {

    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;

    /** A DATA payload, a state of its own so that only the DATA benchmark takes its sizes. */
    @State(Scope.Thread)
    public static class Payload {

        /** Payload in bytes: 16 KiB is the default maximum frame length, 64 a small write. */
        @Param({"16384", "64"})
        public int payloadBytes;

        ByteBuf buffer;

        @Setup
        public void setUp() {
            buffer = PooledByteBufAllocator.DEFAULT.directBuffer(payloadBytes);
            buffer.writeZero(payloadBytes);
        }

        @TearDown
        public void tearDown() {
            buffer.release();
        }
    }

    @Setup
    public void setUp() {
        encoder = new EmbeddedChannel(FrameEncoder.INSTANCE);
        encoder.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        decoder = new EmbeddedChannel(
                new FrameDecoder(TunnelSettings.DEFAULT_MAX_FRAME_LENGTH));
        decoder.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    @TearDown
    public void tearDown() {
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    /** Encodes and decodes one DATA frame; returns the decoded payload length. */
    @Benchmark
    public int dataRoundTrip(Payload payload) {
        return roundTrip(new DataFrame(1, payload.buffer.retainedDuplicate()));
    }

    /** Encodes and decodes one WINDOW_UPDATE frame, the most frequent control frame. */
    @Benchmark
    public int windowUpdateRoundTrip() {
        return roundTrip(new WindowUpdateFrame(1, 16_384));
    }

    private int roundTrip(Frame frame) {
        encoder.writeOutbound(frame);
        for (Object encoded; (encoded = encoder.readOutbound()) != null; ) {
            decoder.writeInbound(encoded);
        }
        Frame decoded = decoder.readInbound();
        int result = decoded.streamId();
        if (decoded instanceof DataFrame data) {
            result = data.content().readableBytes();
            data.release();
        }
        return result;
    }
}
