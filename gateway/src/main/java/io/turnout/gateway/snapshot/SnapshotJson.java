package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON and YAML mapping of the routing model and the config file. The controller streams what
 * {@link #toJson} writes; the gateway reads it back with {@link #parseSnapshot}.
 *
 * <p>Unknown keys are errors, so a typo names itself instead of being silently ignored.
 */
public final class SnapshotJson {
  private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
  private static final ObjectMapper YAML =
      configure(
          YAMLMapper.builder(
                  YAMLFactory.builder()
                      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                      .build())
              .build());

  private SnapshotJson() {}

  /** The shared JSON mapper (thread-safe once configured). */
  public static ObjectMapper json() {
    return JSON;
  }

  /** The shared YAML mapper (thread-safe once configured). */
  public static ObjectMapper yaml() {
    return YAML;
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  public static String toYaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Parses a snapshot from JSON and validates it whole.
   *
   * @throws ConfigException naming each bad field and why
   */
  public static Snapshot parseSnapshot(String json) throws ConfigException {
    Snapshot s = read(JSON, json, Snapshot.class);
    SnapshotValidator.validate(s);
    return s;
  }

  /**
   * Reads {@code text} (YAML or JSON: JSON is YAML) as {@code type}, turning Jackson's errors into
   * a {@link ConfigException} that names the field by its path ({@code
   * hosts[0].routes[1].versions[0].weight}).
   */
  public static <T> T read(ObjectMapper mapper, String text, Class<T> type) throws ConfigException {
    try {
      T value = mapper.readValue(text, type);
      if (value == null) {
        throw new ConfigException(List.of("(document): is empty"));
      }
      return value;
    } catch (JsonMappingException e) {
      String field = pathOf(e.getPath());
      String reason = e.getOriginalMessage();
      if (e.getCause() instanceof IllegalArgumentException iae && iae.getMessage() != null) {
        reason = iae.getMessage();
      }
      throw new ConfigException(List.of(field + ": " + firstLine(reason)));
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new ConfigException(
          List.of(
              "(document): not valid YAML/JSON"
                  + where
                  + ": "
                  + firstLine(e.getOriginalMessage())));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String pathOf(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "(document)" : sb.toString();
  }

  private static ObjectMapper configure(ObjectMapper mapper) {
    SimpleModule module = new SimpleModule("turnout");
    module.addSerializer(Duration.class, new DurationSerializer());
    module.addDeserializer(Duration.class, new DurationDeserializer());
    module.addSerializer(EndpointSpec.class, new EndpointSerializer());
    module.addDeserializer(EndpointSpec.class, new EndpointDeserializer());
    mapper.registerModule(module);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    return mapper;
  }

  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      gen.writeString(Durations.format(value));
    }
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return Duration.ofSeconds(p.getLongValue());
      }
      return Durations.parse(p.getValueAsString(""));
    }
  }

  private static final class EndpointSerializer extends JsonSerializer<EndpointSpec> {
    @Override
    public void serialize(EndpointSpec value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      if (value.ready()) {
        gen.writeString(value.authority());
      } else {
        gen.writeStartObject();
        gen.writeStringField("address", value.address());
        gen.writeNumberField("port", value.port());
        gen.writeBooleanField("ready", false);
        gen.writeEndObject();
      }
    }
  }

  private static final class EndpointDeserializer extends JsonDeserializer<EndpointSpec> {
    @Override
    public EndpointSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return EndpointSpec.parse(p.getText());
      }
      JsonNode node = p.readValueAsTree();
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(
            "endpoint must be \"host:port\" or {address, port, ready}");
      }
      List<String> unknown = new ArrayList<>();
      node.fieldNames()
          .forEachRemaining(
              f -> {
                if (!f.equals("address") && !f.equals("port") && !f.equals("ready")) {
                  unknown.add(f);
                }
              });
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("unknown endpoint field(s) " + unknown);
      }
      JsonNode address = node.get("address");
      JsonNode port = node.get("port");
      if (address == null || !address.isTextual() || address.asText().isBlank()) {
        throw new IllegalArgumentException("endpoint needs an address");
      }
      if (port == null || !port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535) {
        throw new IllegalArgumentException("endpoint port must be 1..65535");
      }
      JsonNode ready = node.get("ready");
      return new EndpointSpec(address.asText(), port.asInt(), ready == null || ready.asBoolean());
    }
  }
}
