package io.ztna.proto.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class ErrorMessagesTest {

    @Test
    void nativeReadCallRemoved() {
        // The message of Netty's Errors.NativeIoException for ECONNRESET on the epoll transport.
        IOException error = new IOException("recvAddress(..) failed: Connection reset by peer");
        assertThat(ErrorMessages.withoutNativeCall(error)).isEqualTo("Connection reset by peer");
    }

    @Test
    void nativeConnectCallRemoved() {
        IOException error =
                new IOException("finishConnect(..) failed with error(-111): Connection refused");
        assertThat(ErrorMessages.withoutNativeCall(error)).isEqualTo("Connection refused");
    }

    @Test
    void plainMessageKept() {
        IOException error = new IOException("Connection reset by peer");
        assertThat(ErrorMessages.withoutNativeCall(error)).isEqualTo("Connection reset by peer");
    }

    @Test
    void missingMessageNamesClass() {
        assertThat(ErrorMessages.withoutNativeCall(new ClosedChannelException()))
                .isEqualTo("ClosedChannelException");
    }
}
