package io.ztna.proto.mux;

import io.ztna.proto.frame.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tunnel listener that records every event. Streams the peer opens are passed to
 * {@link #onOpen}, which by default accepts each with an auto-consuming
 * {@link RecordingStreamListener}.
 */
final class RecordingTunnelListener implements TunnelListener {

    final List<Stream> opened = new ArrayList<>();
    final Map<Stream, RecordingStreamListener> streamListeners = new LinkedHashMap<>();
    final List<String> controlMessages = new ArrayList<>();
    Consumer<Stream> onOpen = stream -> accept(stream, true);
    int readyCount;
    ErrorCode goAwayCode;
    String goAwayReason;
    String closedReason;

    /** Accepts {@code stream} with a new recording listener and returns that listener. */
    RecordingStreamListener accept(Stream stream, boolean autoConsume) {
        RecordingStreamListener listener = new RecordingStreamListener(autoConsume);
        streamListeners.put(stream, listener);
        stream.accept(listener);
        return listener;
    }

    RecordingStreamListener listenerOf(Stream stream) {
        return streamListeners.get(stream);
    }

    Stream lastOpened() {
        return opened.get(opened.size() - 1);
    }

    @Override
    public void onReady(Tunnel tunnel) {
        readyCount++;
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream stream) {
        opened.add(stream);
        onOpen.accept(stream);
    }

    @Override
    public void onControl(Tunnel tunnel, String json) {
        controlMessages.add(json);
    }

    @Override
    public void onGoAway(Tunnel tunnel, ErrorCode code, String reason) {
        goAwayCode = code;
        goAwayReason = reason;
    }

    @Override
    public void onClosed(Tunnel tunnel, String reason) {
        closedReason = reason;
    }
}
