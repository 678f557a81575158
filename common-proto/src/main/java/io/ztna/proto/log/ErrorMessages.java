package io.ztna.proto.log;

import java.util.regex.Pattern;

/** Shortens exception messages for log lines. */
public final class ErrorMessages {

    /**
     * The system call that Netty's epoll transport puts before the error text, such as
     * {@code recvAddress(..) failed: } or {@code finishConnect(..) failed with error(-111): }.
     */
    private static final Pattern NATIVE_CALL_PREFIX =
            Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

    private ErrorMessages() {
    }

    /**
     * Returns the message of {@code error} without the system call that failed, for example
     * {@code Connection reset by peer}, or the simple class name when it has no message.
     */
    public static String withoutNativeCall(Throwable error) {
        String message = error.getMessage();
        if (message == null) {
            return error.getClass().getSimpleName();
        }
        return NATIVE_CALL_PREFIX.matcher(message).replaceFirst("");
    }
}
