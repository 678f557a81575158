package io.ztna.proto.pki;

/** A {@code pki} operation that cannot proceed, such as an existing CA without {@code --force}. */
final class PkiException extends Exception {
    PkiException(String message) {
        super(message);
    }
}
