package dev.portcullis.session;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import javax.xml.XMLConstants;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.ehcache.CacheManager;
import org.ehcache.config.ResourcePool;
import org.ehcache.config.ResourcePools;
import org.ehcache.config.ResourceType;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.impl.config.persistence.DefaultPersistenceConfiguration;
import org.ehcache.spi.serialization.Serializer;
import org.ehcache.spi.service.ServiceConfiguration;
import org.ehcache.spi.service.ServiceCreationConfiguration;
import org.ehcache.xml.CacheManagerServiceConfigurationParser;
import org.ehcache.xml.CacheResourceConfigurationParser;
import org.ehcache.xml.CacheServiceConfigurationParser;
import org.ehcache.xml.Parser;
import org.ehcache.xml.ParsingUtil;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.SecureXml;

/**
 * An {@code ehcacheConfig} file, read without Ehcache's {@code XmlConfiguration}, which unmarshals the
 * whole Ehcache 3 schema through JAXB: about half a second and 1,200 classes of every start
 * (docs/PERFORMANCE.md, section 4). Portcullis needs little of that schema, and reads exactly that:
 * <ul>
 *   <li>the four {@code <cache-template>}s named after its caches ({@link Caches#SESSIONS} ...), each with its
 *       resources: {@code <heap>}, {@code <offheap>}, {@code <disk>} (or the {@code <heap>} shortcut);</li>
 *   <li>{@code <persistence directory="...">}, which a disk tier needs;</li>
 *   <li>Ehcache's clustered tier ({@code tc:} elements: the {@code <service>}, clustered resources and
 *       {@code <tc:clustered-store>}), read by Ehcache's own parsers from the cluster add-on JAR.</li>
 * </ul>
 * Values mean what they mean to Ehcache: the units and defaults of {@code ehcache-core.xsd} ({@code entries} for
 * the heap, bytes for off-heap and disk), {@code ${name}} for a system property, through Ehcache's own
 * {@link ParsingUtil}; a {@code <key-type>} only as {@code java.lang.String}, with the key serializer it may name.
 * Everything else the Ehcache schema allows - another template or a {@code <cache>}, value types, expiry,
 * listeners, thread pools - is refused by name: Portcullis sets the value type, its serializer, expiry and
 * resilience itself, and a file must never say something that is silently ignored. A file with
 * clustered elements is first validated against Ehcache's schemas (the core one and the clustered tier's),
 * with the JDK's validator, because Ehcache's clustered parsers expect a validated document (its defaults
 * filled in). Like every XML Portcullis reads, a DOCTYPE is refused ({@link SecureXml}).
 */
public final class CacheConfigFile {

    /** The namespace of Ehcache 3's core configuration. */
    static final String CORE_NAMESPACE = "http://www.ehcache.org/v3";
    /** The core schema, at the root of the Ehcache JAR (and of the valve JAR, which bundles it). */
    private static final String CORE_SCHEMA = "ehcache-core.xsd";
    /** The clustered tier's parsers, in the cluster add-on JAR (relocated in the shaded JARs like all of Ehcache). */
    private static final String SERVICE_PARSER
            = "org.ehcache.clustered.client.internal.config.xml.ClusteringCacheManagerServiceConfigurationParser";
    private static final String RESOURCE_PARSER
            = "org.ehcache.clustered.client.internal.config.xml.ClusteredResourceConfigurationParser";
    private static final String CACHE_SERVICE_PARSER
            = "org.ehcache.clustered.client.internal.config.xml.ClusteringCacheServiceConfigurationParser";

    /** The templates Portcullis reads, in the order its caches are made. */
    static final List<String> TEMPLATES = List.of(Caches.SESSIONS, Caches.PENDING_LOGINS, Caches.REPLAY,
            Caches.SESSION_INDEX);

    /** What each element Portcullis does not read is, for the sentence that refuses it. */
    private static final Map<String, String> SET_BY_PORTCULLIS = Map.of(
            "value-type", "the value type", "expiry", "the expiry",
            "eviction-advisor", "what may be evicted", "resilience", "what a store failure means",
            "loader-writer", "where entries come from", "listeners", "the cache events");

    private final Path file;
    private final List<ServiceCreationConfiguration<?, ?>> services;
    private final Map<String, Template> templates;
    private final boolean clustered;

    /**
     * One template: its resources, its per-cache services (the clustered store's consistency) and, if the file names
     * one in {@code <key-type serializer="...">}, a key serializer (keys are always strings).
     */
    private record Template(ResourcePools pools, List<ServiceConfiguration<?, ?>> services,
                            Class<? extends Serializer<String>> keySerializer) {
    }

    private CacheConfigFile(Path file, List<ServiceCreationConfiguration<?, ?>> services, Map<String, Template> templates,
                            boolean clustered) {
        this.file = file;
        this.services = List.copyOf(services);
        this.templates = Map.copyOf(templates);
        this.clustered = clustered;
    }

    /**
     * Reads and checks the whole file.
     *
     * @param loader the class loader Ehcache's clustered parsers are looked up on (the valve's)
     * @throws CacheSetupException one sentence naming the file and what is wrong in it
     */
    public static CacheConfigFile read(Path file, ClassLoader loader) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            throw new CacheSetupException("cannot read " + file + ".", e);
        }
        Document document;
        try {
            document = new SecureXml().parse(bytes);
        } catch (SamlValidationException e) {
            throw new CacheSetupException(file + " is not well-formed XML without a DOCTYPE (" + e.getMessage() + ").", e);
        }
        Element root = document.getDocumentElement();
        if (!CORE_NAMESPACE.equals(root.getNamespaceURI()) || !"config".equals(root.getLocalName())) {
            throw new CacheSetupException(file + " is not an Ehcache 3 configuration: its root element must be"
                    + " <config xmlns=\"" + CORE_NAMESPACE + "\">.");
        }
        Reader reader = new Reader(file, loader);
        boolean clusteredTier = reader.usesClusteredTier(root);
        if (clusteredTier) {
            root = reader.validated(bytes).getDocumentElement();
        }
        CacheConfigFile config = reader.config(root);
        if (clusteredTier && !config.clustered()) {
            throw new CacheSetupException(file + " puts caches on Ehcache's clustered tier but has no <service> with"
                    + " <tc:cluster> saying where the Terracotta server is.");
        }
        return config;
    }

    /** Whether the file puts the caches on Ehcache's clustered tier (a Terracotta server). */
    public boolean clustered() {
        return clustered;
    }

    /** The cache-manager services the file configures (persistence, the clustered tier), in file order. */
    public List<ServiceCreationConfiguration<?, ?>> services() {
        return services;
    }

    /** A cache manager builder with the file's services, on the given class loader. */
    public CacheManagerBuilder<CacheManager> manager(ClassLoader loader) {
        CacheManagerBuilder<CacheManager> builder = CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(loader);
        for (ServiceCreationConfiguration<?, ?> service : services) {
            builder = builder.using(service);
        }
        return builder;
    }

    /**
     * The configuration of one of Portcullis's caches, from its template: its resources and services; the
     * types are Portcullis's (keys are strings), serializers and expiry are for {@link Caches} to add.
     */
    public <V> CacheConfigurationBuilder<String, V> template(String name, Class<V> valueType) {
        Template template = templates.get(name);
        if (template == null) {
            throw new CacheSetupException(file + " has no <cache-template name=\"" + name + "\">.");
        }
        CacheConfigurationBuilder<String, V> builder = CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class,
                valueType, template.pools());
        for (ServiceConfiguration<?, ?> service : template.services()) {
            builder = builder.withService(service);
        }
        return template.keySerializer() == null ? builder : builder.withKeySerializer(template.keySerializer());
    }

    /** Reads one file: the walk over its elements, each refusal naming the file and the element. */
    private static final class Reader {
        private final Path file;
        private final ClassLoader loader;
        private CacheManagerServiceConfigurationParser<?, ?> serviceParser;
        private CacheResourceConfigurationParser resourceParser;
        private CacheServiceConfigurationParser<?, ?> cacheServiceParser;
        private boolean clustered;

        Reader(Path file, ClassLoader loader) {
            this.file = file;
            this.loader = loader;
        }

        /** Whether any element is in the clustered tier's namespace (any other foreign element is refused later). */
        boolean usesClusteredTier(Element root) {
            for (Element child : all(root)) {
                if (Caches.CLUSTERED_NAMESPACE.equals(child.getNamespaceURI())) {
                    return true;
                }
            }
            return false;
        }

        /** The file again, validated against Ehcache's core schema and the clustered tier's, defaults filled in. */
        Document validated(byte[] bytes) {
            loadClusteredParsers();
            Map<String, Supplier<Source>> schemas = new LinkedHashMap<>();
            URL core = CacheConfigFile.class.getClassLoader().getResource(CORE_SCHEMA);
            if (core == null) {
                throw new CacheSetupException("Ehcache's " + CORE_SCHEMA + " is missing from the Portcullis JAR.");
            }
            schemas.put(CORE_NAMESPACE, () -> new StreamSource(core.toExternalForm()));
            for (Parser<?> parser : List.of(serviceParser, resourceParser, cacheServiceParser)) {
                parser.getSchema().forEach((uri, source) -> schemas.putIfAbsent(uri.toString(), source));
            }
            Schema schema;
            try {
                SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
                List<Source> sources = new ArrayList<>();
                schemas.values().forEach(source -> sources.add(source.get()));
                schema = factory.newSchema(sources.toArray(new Source[0]));
            } catch (SAXException | RuntimeException e) {
                throw new CacheSetupException("Ehcache's schemas cannot be read to check " + file + ": " + e.getMessage(), e);
            }
            try {
                return new SecureXml(schema).parse(bytes);
            } catch (SamlValidationException e) {
                if (e.getCause() instanceof SAXParseException parse) {
                    throw new CacheSetupException(file + ", line " + parse.getLineNumber() + ", does not follow Ehcache's"
                            + " schema: " + parse.getMessage(), e);
                }
                throw new CacheSetupException(file + " cannot be checked against Ehcache's schemas: " + e.getMessage(), e);
            }
        }

        /** The clustered tier's parsers, from the cluster add-on on the valve's class loader, or a sentence naming the JAR. */
        private void loadClusteredParsers() {
            if (serviceParser != null) {
                return;
            }
            try {
                serviceParser = (CacheManagerServiceConfigurationParser<?, ?>) instance(SERVICE_PARSER);
                resourceParser = (CacheResourceConfigurationParser) instance(RESOURCE_PARSER);
                cacheServiceParser = (CacheServiceConfigurationParser<?, ?>) instance(CACHE_SERVICE_PARSER);
            } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                throw new CacheSetupException(file + " is not a usable Ehcache 3 configuration: it uses Ehcache's"
                        + " clustered tier (" + Caches.CLUSTERED_NAMESPACE + "), which needs the portcullis-cluster JAR"
                        + " in the same folder as the valve JAR ($CATALINA_BASE/lib).", e);
            }
        }

        private Object instance(String name) throws ReflectiveOperationException {
            return Class.forName(name, true, loader).getDeclaredConstructor().newInstance();
        }

        CacheConfigFile config(Element root) {
            attributes(root);
            List<ServiceCreationConfiguration<?, ?>> services = new ArrayList<>();
            Map<String, Template> templates = new LinkedHashMap<>();
            boolean persistence = false;
            for (Element child : children(root)) {
                String name = core(child);
                switch (name) {
                    case "service" -> services.add(service(child));
                    case "persistence" -> {
                        if (persistence) {
                            throw refused("has a second <persistence>");
                        }
                        persistence = true;
                        attributes(child, "directory");
                        String directory = required(child, "directory");
                        services.add(new DefaultPersistenceConfiguration(new File(value(child,
                                () -> ParsingUtil.parseStringWithProperties(directory)))));
                    }
                    case "cache-template" -> {
                        attributes(child, "name");
                        String template = required(child, "name");
                        if (!TEMPLATES.contains(template)) {
                            throw refused("has a <cache-template name=\"" + template + "\">, which is not one of"
                                    + " Portcullis's four (" + String.join(", ", TEMPLATES) + ")");
                        }
                        if (templates.containsKey(template)) {
                            throw refused("has two <cache-template name=\"" + template + "\">");
                        }
                        templates.put(template, template(child, template));
                    }
                    case "cache" -> throw refused("has a <cache>: Portcullis creates its caches itself, from the"
                            + " <cache-template>s named " + String.join(", ", TEMPLATES));
                    default -> throw notRead(child);
                }
            }
            boolean disk = templates.values().stream()
                    .anyMatch(t -> t.pools().getResourceTypeSet().contains(ResourceType.Core.DISK));
            if (disk && !persistence) {
                throw refused("has a <disk> tier but no <persistence directory=\"...\"/> saying where its files go");
            }
            return new CacheConfigFile(file, services, templates, clustered);
        }

        private ServiceCreationConfiguration<?, ?> service(Element service) {
            attributes(service);
            List<Element> inside = children(service);
            if (inside.size() != 1) {
                throw refused("has a <service> with " + inside.size() + " elements in it; it takes one, <tc:cluster>");
            }
            Element element = inside.get(0);
            ServiceCreationConfiguration<?, ?> cluster = parse(element, () -> serviceParser.parse(element, loader));
            clustered = true;
            return cluster;
        }

        private Template template(Element template, String name) {
            ResourcePools pools = null;
            List<ServiceConfiguration<?, ?>> services = new ArrayList<>();
            Class<? extends Serializer<String>> keySerializer = null;
            boolean keyType = false;
            for (Element child : children(template)) {
                if (Caches.CLUSTERED_NAMESPACE.equals(child.getNamespaceURI())) {
                    services.add(parse(child, () -> cacheServiceParser.parse(child, loader)));
                    continue;
                }
                String element = core(child);
                if (element.equals("resources") || element.equals("heap")) {
                    if (pools != null) {
                        throw refused("has more than one <resources> in <cache-template name=\"" + name + "\">");
                    }
                    if (element.equals("resources")) {
                        attributes(child);
                        pools = resources(children(child), name);
                    } else {
                        pools = resources(List.of(child), name);
                    }
                } else if (element.equals("key-type") && !keyType) {
                    keyType = true;
                    keySerializer = keyType(child, name);
                } else if (SET_BY_PORTCULLIS.containsKey(element)) {
                    throw refused("has <" + element + "> in <cache-template name=\"" + name + "\">: Portcullis sets "
                            + SET_BY_PORTCULLIS.get(element) + " of its caches itself; remove it");
                } else {
                    throw notRead(child);
                }
            }
            if (pools == null) {
                throw refused("has no <resources> in <cache-template name=\"" + name + "\">");
            }
            return new Template(pools, services, keySerializer);
        }

        /**
         * {@code <key-type>java.lang.String</key-type>}, optionally with {@code serializer="class"}: Ehcache's way to
         * name how keys are written to an off-heap, disk or clustered tier (a class with a constructor taking a
         * ClassLoader, on the valve's class loader). Keys are always strings, so any other type is refused.
         */
        @SuppressWarnings("unchecked")
        private Class<? extends Serializer<String>> keyType(Element keyType, String template) {
            attributes(keyType, "serializer");
            String type = keyType.getTextContent().strip();
            if (!type.equals(String.class.getName())) {
                throw refused("has <key-type>" + abbreviate(type) + "</key-type> in <cache-template name=\"" + template
                        + "\">: Portcullis's keys are " + String.class.getName());
            }
            if (!keyType.hasAttribute("serializer")) {
                return null;
            }
            String name = keyType.getAttribute("serializer").strip();
            try {
                Class<?> serializer = Class.forName(name, false, loader);
                if (!Serializer.class.isAssignableFrom(serializer)) {
                    throw refused("names " + name + " as a key serializer, which is not an Ehcache Serializer");
                }
                return (Class<? extends Serializer<String>>) serializer;
            } catch (ClassNotFoundException | LinkageError e) {
                throw refused("names a key serializer " + name + " that is not on the valve's class loader");
            }
        }

        private ResourcePools resources(List<Element> resources, String template) {
            if (resources.isEmpty()) {
                throw refused("has an empty <resources> in <cache-template name=\"" + template + "\">");
            }
            ResourcePoolsBuilder pools = ResourcePoolsBuilder.newResourcePoolsBuilder();
            for (Element resource : resources) {
                ResourcePoolsBuilder current = pools;
                if (Caches.CLUSTERED_NAMESPACE.equals(resource.getNamespaceURI())) {
                    ResourcePool pool = parse(resource, () -> resourceParser.parse(resource, loader));
                    pools = value(resource, () -> current.with(pool));
                    continue;
                }
                String name = core(resource);
                switch (name) {
                    case "heap" -> {
                        attributes(resource, "unit");
                        long size = size(resource);
                        String unit = resource.hasAttribute("unit") ? resource.getAttribute("unit").strip() : "entries";
                        pools = value(resource, () -> unit.equals("entries") ? current.heap(size, EntryUnit.ENTRIES)
                                : current.heap(size, memoryUnit(resource, unit)));
                    }
                    case "offheap" -> {
                        attributes(resource, "unit");
                        long size = size(resource);
                        MemoryUnit unit = memoryUnit(resource, resource.hasAttribute("unit") ? resource.getAttribute("unit") : "B");
                        pools = value(resource, () -> current.offheap(size, unit));
                    }
                    case "disk" -> {
                        attributes(resource, "unit", "persistent");
                        long size = size(resource);
                        MemoryUnit unit = memoryUnit(resource, resource.hasAttribute("unit") ? resource.getAttribute("unit") : "B");
                        boolean persistent = bool(resource, "persistent");
                        pools = value(resource, () -> current.disk(size, unit, persistent));
                    }
                    default -> throw notRead(resource);
                }
            }
            return pools.build();
        }

        /** A positive whole number, or ${property} naming one, as ehcache-core.xsd's propertyOrPositiveInteger. */
        private long size(Element element) {
            String text = element.getTextContent().strip();
            BigInteger size = value(element, () -> ParsingUtil.parsePropertyOrPositiveInteger(text));
            if (size.signum() <= 0 || size.bitLength() > 63) {
                throw refused("has <" + element.getLocalName() + ">" + text + "</" + element.getLocalName() + ">: the size must be"
                        + " a whole number from 1 to " + Long.MAX_VALUE);
            }
            return size.longValue();
        }

        /** ehcache-core.xsd's memory-unit: B, kB, MB, GB, TB, PB (MemoryUnit's names but for kB). */
        private MemoryUnit memoryUnit(Element element, String unit) {
            return switch (unit.strip()) {
                case "B" -> MemoryUnit.B;
                case "kB" -> MemoryUnit.KB;
                case "MB" -> MemoryUnit.MB;
                case "GB" -> MemoryUnit.GB;
                case "TB" -> MemoryUnit.TB;
                case "PB" -> MemoryUnit.PB;
                default -> throw refused("has <" + element.getLocalName() + " unit=\"" + unit + "\">: the unit is one of "
                        + (element.getLocalName().equals("heap") ? "entries, " : "") + "B, kB, MB, GB, TB, PB");
            };
        }

        private boolean bool(Element element, String attribute) {
            String value = element.hasAttribute(attribute) ? element.getAttribute(attribute).strip() : "false";
            return switch (value) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw refused("has " + attribute + "=\"" + value + "\" on <" + element.getLocalName()
                        + ">: it is true or false");
            };
        }

        /** An element Portcullis reads, in Ehcache's core namespace: its local name. */
        private String core(Element element) {
            if (Caches.CLUSTERED_NAMESPACE.equals(element.getNamespaceURI())) {
                throw refused("has <" + element.getTagName() + "> where Portcullis expects an element of Ehcache's"
                        + " core configuration");
            }
            if (!CORE_NAMESPACE.equals(element.getNamespaceURI())) {
                throw foreign(element);
            }
            return element.getLocalName();
        }

        private CacheSetupException foreign(Element element) {
            return refused("has <" + element.getTagName() + "> in namespace " + element.getNamespaceURI()
                    + ", which Portcullis does not read (it reads Ehcache's core elements and its clustered tier, "
                    + Caches.CLUSTERED_NAMESPACE + ")");
        }

        /**
         * Runs one of the clustered tier's parsers (from the add-on) on an element, which must be in its namespace,
         * turning its failure into a sentence naming the element.
         */
        private <T> T parse(Element element, Supplier<T> parser) {
            if (!Caches.CLUSTERED_NAMESPACE.equals(element.getNamespaceURI())) {
                throw foreign(element);
            }
            loadClusteredParsers();
            return value(element, parser);
        }

        private <T> T value(Element element, Supplier<T> value) {
            try {
                return value.get();
            } catch (RuntimeException | AssertionError e) {
                throw refused("has <" + element.getTagName() + "> that Ehcache cannot use: " + e.getMessage());
            }
        }

        private String required(Element element, String attribute) {
            if (!element.hasAttribute(attribute) || element.getAttribute(attribute).isBlank()) {
                throw refused("has a <" + element.getLocalName() + "> without " + attribute + "=\"...\"");
            }
            return element.getAttribute(attribute).strip();
        }

        /** Only the attributes named (besides namespace declarations and xsi: hints such as schemaLocation). */
        private void attributes(Element element, String... allowed) {
            NamedNodeMap attributes = element.getAttributes();
            Set<String> names = Set.of(allowed);
            for (int i = 0; i < attributes.getLength(); i++) {
                Attr attribute = (Attr) attributes.item(i);
                String namespace = attribute.getNamespaceURI();
                if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(namespace)
                        || XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI.equals(namespace)) {
                    continue;
                }
                if (namespace != null || !names.contains(attribute.getLocalName())) {
                    throw refused("has an attribute " + attribute.getName() + " on <" + element.getTagName()
                            + ">, which Portcullis does not read" + (names.isEmpty() ? "" : " (it reads "
                            + String.join(", ", new LinkedHashSet<>(List.of(allowed))) + ")"));
                }
            }
        }

        /** The child elements; text other than white space between them is refused. */
        private List<Element> children(Element parent) {
            List<Element> children = new ArrayList<>();
            for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element) {
                    children.add(element);
                } else if ((node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE)
                        && !node.getNodeValue().isBlank()) {
                    throw refused("has text \"" + abbreviate(node.getNodeValue().strip()) + "\" in <"
                            + parent.getTagName() + ">, which holds elements only");
                }
            }
            return children;
        }

        private static List<Element> all(Element root) {
            List<Element> all = new ArrayList<>();
            for (Node node = root.getFirstChild(); node != null; ) {
                if (node instanceof Element element) {
                    all.add(element);
                }
                if (node.getFirstChild() != null) {
                    node = node.getFirstChild();
                    continue;
                }
                while (node != null && node != root && node.getNextSibling() == null) {
                    node = node.getParentNode();
                }
                node = node == null || node == root ? null : node.getNextSibling();
            }
            return all;
        }

        private CacheSetupException notRead(Element element) {
            return refused("has <" + element.getTagName() + ">, which Portcullis does not read: it reads <persistence>,"
                    + " the clustered tier's <service> and the <cache-template>s named " + String.join(", ", TEMPLATES)
                    + " with their <resources> (heap, offheap, disk, or the clustered tier's)");
        }

        private CacheSetupException refused(String what) {
            return new CacheSetupException(file + " " + what + ".");
        }

        private static String abbreviate(String text) {
            return text.length() <= 40 ? text : text.substring(0, 40) + "...";
        }
    }
}
