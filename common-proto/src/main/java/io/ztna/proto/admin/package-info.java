/** The admin HTTP endpoint every daemon serves: health, readiness and status. */
package io.ztna.proto.admin;
