package dev.emc.spark;

import dev.emc.api.Compiled;
import dev.emc.runtime.EmModel;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A generated model class as bytecode, which is how it reaches a cluster's executors: broadcast
 * once per fit, defined there in a class loader of its own whose parent is the task's (which sees
 * emc's runtime and the jars the application shipped, plugins' families among them), and kept per
 * JVM by the bytes' digest, so that every task of every iteration finds it defined.
 */
final class ModelCode implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Compiled> DEFINED = new ConcurrentHashMap<>();

  private final String className;
  private final Map<String, byte[]> classes;
  private final String digest;

  ModelCode(String className, Map<String, byte[]> classes) {
    this.className = className;
    this.classes = Map.copyOf(classes);
    this.digest = digest(className, this.classes);
  }

  /** A fresh instance of the model, its class defined in this JVM the first time. */
  EmModel newModel() {
    return DEFINED.computeIfAbsent(digest, d -> {
      ClassLoader parent = Thread.currentThread().getContextClassLoader();
      return Compiled.define(className, classes, parent == null ? EmModel.class.getClassLoader() : parent);
    }).newModel();
  }

  private static String digest(String className, Map<String, byte[]> classes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(className.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (String name : new java.util.TreeSet<>(classes.keySet())) {
        md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update(classes.get(name));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
