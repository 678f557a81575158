package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.StreamListener;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The far end of a test tunnel that reads each stream without replying to its OPEN, so that a
 * test sees the early data that crossed before any result, then decides: {@link Flow#accept}
 * or {@link Flow#reject}.
 */
public final class RecordingFarEnd implements TunnelListener {

    private final BlockingQueue<Flow> flows = new LinkedBlockingQueue<>();

    /** Returns the streams opened to this end, in order. */
    public BlockingQueue<Flow> flows() {
        return flows;
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream stream) {
        Flow flow = new Flow(stream);
        stream.listen(flow);
        flows.add(flow);
    }

    /** One stream: what it received, and when its FIN arrived. */
    public static final class Flow implements StreamListener {

        private final Stream stream;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final CompletableFuture<String> fin = new CompletableFuture<>();
        private final CompletableFuture<Integer> firstBytes = new CompletableFuture<>();

        Flow(Stream stream) {
            this.stream = stream;
        }

        /** Completes with the number of bytes in the first DATA that arrives. */
        public CompletableFuture<Integer> firstBytes() {
            return firstBytes;
        }

        /** Completes with everything received, as ASCII, once FIN arrived. */
        public CompletableFuture<String> fin() {
            return fin;
        }

        public void accept() {
            stream.accept(this);
        }

        public void reject(OpenResult result) {
            stream.reject(result, "rejected by the test");
        }

        /** Writes {@code text} and FIN. Call it after {@link #accept()}. */
        public void reply(String text) {
            stream.write(io.netty.buffer.Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
            stream.fin();
        }

        @Override
        public synchronized void onData(Stream s, ByteBuf data) {
            int length = data.readableBytes();
            received.writeBytes(ByteBufUtil.getBytes(data));
            data.release();
            s.consumed(length);
            firstBytes.complete(length);
        }

        @Override
        public synchronized void onFin(Stream s) {
            fin.complete(received.toString(StandardCharsets.US_ASCII));
        }

        @Override
        public void onReset(Stream s, ErrorCode code, String reason) {
            fin.completeExceptionally(new IllegalStateException("reset: " + code + " " + reason));
        }
    }
}
