package io.ketang.push.api;

/** A message's class: important ones are sequenced, kept and never shed; normal ones are merged and may be sampled. */
public enum Priority {
    IMPORTANT, NORMAL
}
