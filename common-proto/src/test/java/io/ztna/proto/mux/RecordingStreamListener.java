package io.ztna.proto.mux;

import io.netty.buffer.ByteBuf;
import io.ztna.proto.frame.ErrorCode;
import java.io.ByteArrayOutputStream;

/**
 * Stream listener that copies and releases every buffer and records FIN and RESET. With
 * {@code autoConsume} it returns credit at once; otherwise credit waits for {@link #consumeAll}.
 */
final class RecordingStreamListener implements StreamListener {

    private final boolean autoConsume;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private Stream stream;
    private int unconsumed;
    private boolean fin;
    private ErrorCode resetCode;
    private String resetReason;
    private int resets;

    RecordingStreamListener(boolean autoConsume) {
        this.autoConsume = autoConsume;
    }

    @Override
    public void onData(Stream stream, ByteBuf data) {
        this.stream = stream;
        int length = data.readableBytes();
        byte[] bytes = new byte[length];
        data.readBytes(bytes);
        data.release();
        received.writeBytes(bytes);
        if (autoConsume) {
            stream.consumed(length);
        } else {
            unconsumed += length;
        }
    }

    @Override
    public void onFin(Stream stream) {
        fin = true;
    }

    @Override
    public void onReset(Stream stream, ErrorCode code, String reason) {
        resets++;
        resetCode = code;
        resetReason = reason;
    }

    /** Returns the credit of every byte received so far and not yet consumed. */
    void consumeAll() {
        if (stream != null && unconsumed > 0) {
            int bytes = unconsumed;
            unconsumed = 0;
            stream.consumed(bytes);
        }
    }

    byte[] received() {
        return received.toByteArray();
    }

    int receivedLength() {
        return received.size();
    }

    boolean finReceived() {
        return fin;
    }

    ErrorCode resetCode() {
        return resetCode;
    }

    String resetReason() {
        return resetReason;
    }

    int resetCount() {
        return resets;
    }
}
