package dev.emc.api;

import dev.emc.runtime.EmModel;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles generated source in memory (javax.tools), and loads the classes it gives. */
final class InMemoryJavac {
  private InMemoryJavac() {}

  /** The bytecode of the source's classes, by binary name. */
  static Map<String, byte[]> compile(String className, String source, List<Path> extraClassPath) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("emc needs a JDK to compile models (this Java has no javac)");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
    Map<String, ByteArrayOutputStream> classes = new HashMap<>();
    JavaFileManager files = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind,
          FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            classes.put(name, bytes);
            return bytes;
          }
        };
      }
    };
    JavaFileObject unit = new SimpleJavaFileObject(
        URI.create("string:///" + className + JavaFileObject.Kind.SOURCE.extension), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    List<String> classPath = new ArrayList<>();
    classPath.add(location(EmModel.class));
    for (Path p : extraClassPath) {
      classPath.add(p.toString());
    }
    List<String> options = List.of("-classpath", String.join(File.pathSeparator, classPath),
        "-proc:none", "-g", "-Xlint:none");
    boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
    if (!ok) {
      StringBuilder why = new StringBuilder();
      StringBuilder code = new StringBuilder();
      List<String> lines = source.lines().toList();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        why.append("\n  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT));
        if (d.getLineNumber() >= 1 && d.getLineNumber() <= lines.size()) {
          String line = lines.get((int) d.getLineNumber() - 1);
          why.append("\n    ").append(line.strip());
          code.append(line).append('\n');
        }
      }
      throw new NotJava("the generated Java for " + className + " does not compile:" + why, code.toString());
    }
    Map<String, byte[]> bytecode = new TreeMap<>();
    classes.forEach((name, bytes) -> bytecode.put(name, bytes.toByteArray()));
    return bytecode;
  }

  /** Generated source javac refuses; {@code code} holds the lines it points at. */
  static final class NotJava extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    final transient String code;

    NotJava(String message, String code) {
      super(message);
      this.code = code;
    }
  }

  /** Loads the model class {@code className} of {@code classes} in a loader of its own. */
  static Class<? extends EmModel> load(String className, Map<String, byte[]> classes, ClassLoader parent) {
    ClassLoader loader = new ClassLoader(parent) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = classes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
    try {
      return loader.loadClass(className).asSubclass(EmModel.class);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where a class was loaded from: emc's jar, or its classes directory in a build. */
  static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
