/** Choice of the native epoll transport or NIO, made once per process. */
package io.ztna.proto.transport;
