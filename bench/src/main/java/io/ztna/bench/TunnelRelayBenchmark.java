package io.ztna.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
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
 * Cost per DATA frame of the multiplexer, without TLS or sockets:
 * <ul>
 *   <li>{@code oneTunnel}: a stream write on one tunnel, the frame encoded, decoded on the
 *       other side, delivered to the stream's listener, released, and its credit returned as
 *       WINDOW_UPDATE.</li>
 *   <li>{@code gatewayRelay}: the same through two tunnels, with a listener in the middle that
 *       writes each received buffer to a stream on the second tunnel and returns the credit
 *       once that write completes, as a gateway relays a flow.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TunnelRelayBenchmark {

    /** DATA payload in bytes: 16 KiB is the default maximum frame length, 1 KiB a small write. */
    @Param({"16384", "1024"})
    public int payloadBytes;

    private ByteBuf payload;
    private final Sink sink = new Sink();
    private TunnelLink single;
    private Stream singleStream;
    private TunnelLink firstHop;
    private TunnelLink secondHop;
    private Stream relayStream;

    @Setup
    public void setUp() {
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(payloadBytes);
        payload.writeZero(payloadBytes);
        single = new TunnelLink(sink);
        singleStream = single.open(sink);

        secondHop = new TunnelLink(sink);
        Relay relay = new Relay();
        firstHop = new TunnelLink(relay);
        relay.next = secondHop.open(sink);
        relayStream = firstHop.open(sink);
    }

    @TearDown
    public void tearDown() {
        payload.release();
        single.close();
        firstHop.close();
        secondHop.close();
    }

    /** Sends one frame over one tunnel; returns the bytes the receiving listener got so far. */
    @Benchmark
    public long oneTunnel() {
        singleStream.write(payload.retainedDuplicate());
        single.pump();
        return sink.bytes;
    }

    /** Sends one frame over two tunnels through a relaying listener. */
    @Benchmark
    public long gatewayRelay() {
        relayStream.write(payload.retainedDuplicate());
        firstHop.pump();
        secondHop.pump();
        firstHop.pump();
        return sink.bytes;
    }

    /** Counts and releases what arrives, and returns the credit at once. */
    private static final class Sink implements StreamListener {
        long bytes;

        @Override
        public void onData(Stream stream, ByteBuf data) {
            int length = data.readableBytes();
            bytes += length;
            data.release();
            stream.consumed(length);
        }

        @Override
        public void onFin(Stream stream) {
        }

        @Override
        public void onReset(Stream stream, ErrorCode code, String reason) {
        }
    }

    /** Writes what arrives to {@link #next} and returns the credit once that write completed. */
    private static final class Relay implements StreamListener {
        Stream next;

        @Override
        public void onData(Stream stream, ByteBuf data) {
            int length = data.readableBytes();
            next.write(data).addListener(done -> stream.consumed(length));
        }

        @Override
        public void onFin(Stream stream) {
            next.fin();
        }

        @Override
        public void onReset(Stream stream, ErrorCode code, String reason) {
            next.reset(code, reason);
        }
    }
}
