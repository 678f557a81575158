/** The stream multiplexer: many flows over one tunnel with credit flow control. */
package io.ztna.proto.mux;
