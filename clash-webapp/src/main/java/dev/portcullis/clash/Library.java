package dev.portcullis.clash;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Where one library's class was really loaded from: the JAR file, the version that JAR's Maven
 * descriptor names, and whether this webapp's own class loader defined it (rather than a parent, such as
 * Tomcat's common loader, where the Portcullis valve lives). Immutable.
 *
 * @param artifact        the Maven artifactId looked for
 * @param className       the class that was probed
 * @param jar             the file name of the JAR the class came from, or "?" when it has no JAR
 * @param version         the version in that JAR's pom.properties, or "?" when there is none
 * @param fromThisWebapp  true when this webapp's class loader defined the class
 */
public record Library(String artifact, String className, String jar, String version, boolean fromThisWebapp) {

    /** Probes {@code type}, which belongs to {@code groupId:artifactId}. */
    public static Library of(Class<?> type, String groupId, String artifactId) {
        Path jarPath = jarOf(type);
        String version = jarPath == null ? "?" : versionIn(jarPath, groupId, artifactId);
        String jarName = jarPath == null ? "?" : jarPath.getFileName().toString();
        return new Library(artifactId, type.getName(), jarName, version,
                type.getClassLoader() == Library.class.getClassLoader());
    }

    /** The fields as a map, in a fixed order, for the JSON report. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("class", className);
        map.put("jar", jar);
        map.put("version", version);
        map.put("fromThisWebapp", fromThisWebapp);
        return map;
    }

    private static Path jarOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String versionIn(Path jar, String groupId, String artifactId) {
        String descriptor = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry(descriptor);
            if (entry == null) {
                return "?";
            }
            Properties properties = new Properties();
            try (InputStream in = file.getInputStream(entry)) {
                properties.load(in);
            }
            return properties.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }
}
