package io.ztna.proto.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.ztna.proto.frame.DataFrame;
import io.ztna.proto.frame.Frame;
import io.ztna.proto.frame.FrameDecoder;
import io.ztna.proto.frame.FrameEncoder;
import io.ztna.proto.frame.HelloFrame;
import io.ztna.proto.frame.TunnelSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One tunnel under test on an {@link EmbeddedChannel}, and a peer that the test scripts frame by
 * frame: {@link #send} encodes frames into the tunnel, {@link #received} decodes what the tunnel
 * wrote. Time moves only through {@link #advanceMillis}.
 */
final class ScriptedPeer implements AutoCloseable {

    /** A DATA frame the tunnel sent, copied so that the test owns no buffer. */
    record ReceivedData(int streamId, byte[] bytes) {
    }

    final MockTicker ticker = Ticker.newMockTicker();
    final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).build();
    final RecordingTunnelListener listener = new RecordingTunnelListener();
    final Tunnel tunnel;
    private final EmbeddedChannel encoder = new EmbeddedChannel(FrameEncoder.INSTANCE);
    private final EmbeddedChannel decoder =
            new EmbeddedChannel(new FrameDecoder(TunnelSettings.MAX_FRAME_LENGTH_LIMIT));

    /** Creates the tunnel under test; it is the TLS client, so it opens odd stream ids. */
    ScriptedPeer(TunnelOptions options) {
        tunnel = new Tunnel(channel, true, options, listener, "scripted").install();
        channel.runPendingTasks();
    }

    /** Sends the peer's HELLO with default settings and returns what the tunnel wrote. */
    List<Object> handshake() {
        send(new HelloFrame(TunnelSettings.defaults()));
        return received();
    }

    /** Encodes frames as the peer would and feeds their bytes to the tunnel in one read. */
    void send(Frame... frames) {
        encoder.writeOutbound((Object[]) frames);
        List<Object> bytes = new ArrayList<>();
        for (ByteBuf buf; (buf = encoder.readOutbound()) != null; ) {
            bytes.add(buf);
        }
        if (channel.isOpen()) {
            channel.writeInbound(bytes.toArray());
        } else {
            bytes.forEach(b -> ((ByteBuf) b).release());
        }
        channel.runPendingTasks();
    }

    /**
     * Returns the frames the tunnel wrote since the last call, in order, with DATA frames copied
     * into {@link ReceivedData}.
     */
    List<Object> received() {
        channel.runPendingTasks();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            decoder.writeInbound(buf);
        }
        List<Object> frames = new ArrayList<>();
        for (Frame frame; (frame = decoder.readInbound()) != null; ) {
            if (frame instanceof DataFrame data) {
                frames.add(new ReceivedData(data.streamId(), ByteBufUtil.getBytes(data.content())));
                data.release();
            } else {
                frames.add(frame);
            }
        }
        return frames;
    }

    /** Returns the frames of one type among those the tunnel wrote since the last call. */
    <T> List<T> received(Class<T> type) {
        List<T> matching = new ArrayList<>();
        for (Object frame : received()) {
            if (type.isInstance(frame)) {
                matching.add(type.cast(frame));
            }
        }
        return matching;
    }

    /** Advances the clock and runs the tasks that became due. */
    void advanceMillis(long millis) {
        ticker.advance(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }
}
