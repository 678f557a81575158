/** Test fixtures shared with other modules through the common-proto test-jar. */
package io.ztna.proto.testing;
