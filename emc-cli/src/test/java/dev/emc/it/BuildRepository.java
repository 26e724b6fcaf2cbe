package dev.emc.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A local Maven repository holding the modules this build made, as `mvn install` would put them,
 * and settings whose one mirror is the build's own local repository for everything else. A project
 * built with both (the plugin example, the consumer) compiles against these sources, never against
 * an emc some other build installed, fetches nothing from a network, and installs nothing for the
 * user.
 */
final class BuildRepository {
  private BuildRepository() {}

  /** Puts the parent pom and {@code modules}' jars and poms in {@code repository}; returns the settings file. */
  static Path of(Path repository, List<String> modules) throws IOException {
    String version = System.getProperty("emc.version");
    copy(Path.of("pom.xml"), repository.resolve("dev/emc/emc-parent/" + version + "/emc-parent-" + version + ".pom"));
    for (String module : modules) {
      Path to = repository.resolve("dev/emc/" + module + "/" + version);
      copy(Path.of(module, "target", module + "-" + version + ".jar"), to.resolve(module + "-" + version + ".jar"));
      copy(Path.of(module, "pom.xml"), to.resolve(module + "-" + version + ".pom"));
    }
    Path build = Path.of(System.getProperty("maven.repo.local.of.build",
        System.getProperty("user.home") + "/.m2/repository")).toAbsolutePath();
    Path settings = repository.resolve("settings.xml");
    Files.writeString(settings, "<settings><mirrors><mirror><id>build</id><mirrorOf>*</mirrorOf><url>"
        + build.toUri() + "</url></mirror></mirrors></settings>\n");
    return settings;
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      throw new IOException(from + " is not built: the integration tests run after the modules are packaged");
    }
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }
}
