using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NeuralCore.IO.Internals;

/// <summary>
/// The field numbers of the ONNX messages NeuralCore reads and writes, from <c>onnx/onnx.proto</c> (ONNX 1.12, IR
/// version 8) — the one place they are written down. Fields of these messages that are not listed are skipped on read
/// (documentation strings, training info, functions…) or refused where ignoring them would change the model
/// (external data, sparse initializers, segments).
/// </summary>
internal static class OnnxFields
{
    /// <summary><c>ModelProto</c>.</summary>
    public static class Model
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, Domain = 4, ModelVersion = 5, DocString = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;
    }

    /// <summary><c>OperatorSetIdProto</c>.</summary>
    public static class OperatorSetId
    {
        public const int Domain = 1, Version = 2;
    }

    /// <summary><c>StringStringEntryProto</c>.</summary>
    public static class StringStringEntry
    {
        public const int Key = 1, Value = 2;
    }

    /// <summary><c>GraphProto</c>.</summary>
    public static class Graph
    {
        public const int Node = 1, Name = 2, Initializer = 5, Input = 11, Output = 12, SparseInitializer = 15;
    }

    /// <summary><c>NodeProto</c>.</summary>
    public static class Node
    {
        public const int Input = 1, Output = 2, Name = 3, OpType = 4, Attribute = 5, Domain = 7;
    }

    /// <summary><c>AttributeProto</c> and its <c>AttributeType</c> enum.</summary>
    public static class Attribute
    {
        public const int Name = 1, F = 2, I = 3, S = 4, T = 5, Floats = 7, Ints = 8, Type = 20, RefAttrName = 21;

        public const int TypeFloat = 1, TypeInt = 2, TypeString = 3, TypeTensor = 4, TypeFloats = 6, TypeInts = 7;
    }

    /// <summary><c>TensorProto</c> and its <c>DataType</c> / <c>DataLocation</c> enums.</summary>
    public static class Tensor
    {
        public const int Dims = 1, DataType = 2, Segment = 3, FloatData = 4, Int32Data = 5, StringData = 6, Int64Data = 7, Name = 8, RawData = 9,
            DoubleData = 10, Uint64Data = 11, ExternalData = 13, DataLocation = 14;

        public const int DataTypeFloat = 1, DataTypeBool = 9, DataTypeDouble = 11;

        public const int DataLocationExternal = 1;
    }

    /// <summary><c>ValueInfoProto</c>.</summary>
    public static class ValueInfo
    {
        public const int Name = 1, Type = 2;
    }

    /// <summary><c>TypeProto</c> (only <c>tensor_type</c> is read) and <c>TypeProto.Tensor</c>.</summary>
    public static class Type
    {
        public const int TensorType = 1;

        public const int TensorElemType = 1, TensorShape = 2;
    }

    /// <summary><c>TensorShapeProto</c> and <c>TensorShapeProto.Dimension</c>.</summary>
    public static class Shape
    {
        public const int Dim = 1;

        public const int DimValue = 1, DimParam = 2;
    }
}

/// <summary>A <c>TensorProto</c>: an initializer or a <c>Constant</c> value. Its data stays a slice of the file until <see cref="ToArray{T}"/>.</summary>
internal sealed class OnnxTensor
{
    /// <summary>The most dimensions accepted; NeuralCore needs at most two, extra rank is refused with its shape later.</summary>
    public const int MaxRank = 8;

    public string Name { get; set; } = "";

    public int DataType { get; set; }

    public List<long> Dims { get; } = [];

    public ReadOnlyMemory<byte> RawData { get; set; }

    public bool HasRawData { get; set; }

    public List<float>? FloatData { get; set; }

    public List<double>? DoubleData { get; set; }

    /// <summary>The typed field other than float_data/double_data that holds data (int32_data, …), or null.</summary>
    public string? OtherDataField { get; set; }

    public bool IsExternal { get; set; }

    public bool HasSegment { get; set; }

    /// <summary>The element count from <see cref="Dims"/>; checked to be ≥ 0 and to fit an array when read.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in Dims)
            {
                count = checked(count * d);
            }

            return count;
        }
    }

    /// <summary>The shape as ONNX tools print it, e.g. <c>[3, 4]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Dims) + "]";

    /// <summary>The data type's name in <c>onnx.proto</c>.</summary>
    public static string DataTypeName(int dataType) => dataType switch
    {
        OnnxFields.Tensor.DataTypeFloat => "FLOAT",
        OnnxFields.Tensor.DataTypeDouble => "DOUBLE",
        0 => "UNDEFINED",
        2 => "UINT8",
        3 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        6 => "INT32",
        7 => "INT64",
        8 => "STRING",
        OnnxFields.Tensor.DataTypeBool => "BOOL",
        10 => "FLOAT16",
        12 => "UINT32",
        13 => "UINT64",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        16 => "BFLOAT16",
        _ => string.Create(CultureInfo.InvariantCulture, $"data type {dataType}"),
    };

    /// <summary>The data as <typeparamref name="T"/>, converted only as <paramref name="conversion"/> allows.</summary>
    /// <param name="conversion">Whether FLOAT ↔ DOUBLE conversion is allowed.</param>
    /// <param name="source">The file, for errors.</param>
    /// <param name="what">Describes the tensor for errors, e.g. <c>initializer '0.weight' of node '/0/Gemm' (Gemm)</c>.</param>
    public T[] ToArray<T>(NpyConversion conversion, string source, string what)
        where T : unmanaged
    {
        if (IsExternal)
        {
            throw new OnnxFormatException(source, $"{what}: the data is stored in an external file (data_location = EXTERNAL); only data inside the .onnx file is supported.");
        }

        if (HasSegment)
        {
            throw new OnnxFormatException(source, $"{what}: segmented tensors are not supported.");
        }

        var isFloat = DataType == OnnxFields.Tensor.DataTypeFloat;
        if (!isFloat && DataType != OnnxFields.Tensor.DataTypeDouble)
        {
            throw new OnnxFormatException(source, $"{what}: data type {DataTypeName(DataType)} is not supported; expected FLOAT (1) or DOUBLE (11).");
        }

        var wantFloat = typeof(T) == typeof(float);
        if (!wantFloat && typeof(T) != typeof(double))
        {
            throw new ArgumentException($"Element type {typeof(T).Name} is not supported; expected float or double.", nameof(T));
        }

        if (isFloat != wantFloat && conversion != NpyConversion.AllowPrecisionChange)
        {
            throw new OnnxFormatException(
                source,
                $"{what}: the model stores {DataTypeName(DataType)} and {typeof(T).Name} was requested; pass NpyConversion.AllowPrecisionChange to convert.");
        }

        foreach (var d in Dims)
        {
            if (d < 0)
            {
                throw new OnnxFormatException(source, $"{what}: dims {ShapeText} has a negative dimension.");
            }
        }

        long count;
        try
        {
            count = ElementCount;
        }
        catch (OverflowException)
        {
            throw new OnnxFormatException(source, $"{what}: dims {ShapeText} overflow a 64-bit element count.");
        }

        var itemSize = isFloat ? 4 : 8;
        var fields = (HasRawData ? 1 : 0) + (FloatData is null ? 0 : 1) + (DoubleData is null ? 0 : 1) + (OtherDataField is null ? 0 : 1);
        if (fields > 1)
        {
            throw new OnnxFormatException(source, $"{what}: the data is given in more than one field (raw_data and a typed field); expected exactly one.");
        }

        if (OtherDataField is not null || (isFloat && DoubleData is not null) || (!isFloat && FloatData is not null))
        {
            var field = OtherDataField ?? (isFloat ? "double_data" : "float_data");
            throw new OnnxFormatException(source, $"{what}: data type {DataTypeName(DataType)} keeps its data in {field}; expected raw_data or {(isFloat ? "float_data" : "double_data")}.");
        }

        // Every form of data is already in memory (a slice of the file or a list parsed from it), so comparing counts
        // here allocates nothing a lying dims field could inflate.
        long available = HasRawData ? RawData.Length / itemSize : FloatData?.Count ?? DoubleData?.Count ?? 0;
        if (HasRawData && RawData.Length % itemSize != 0)
        {
            throw new OnnxFormatException(source, string.Create(CultureInfo.InvariantCulture, $"{what}: raw_data has {RawData.Length} bytes, not a multiple of {itemSize} ({DataTypeName(DataType)})."));
        }

        if (available != count)
        {
            throw new OnnxFormatException(source, string.Create(
                CultureInfo.InvariantCulture,
                $"{what}: dims {ShapeText} need {count} elements, but the data holds {available}."));
        }

        var result = new T[count];
        if (HasRawData)
        {
            if (isFloat)
            {
                Convert(MemoryMarshal.Cast<byte, float>(RawData.Span), result);
            }
            else
            {
                Convert(MemoryMarshal.Cast<byte, double>(RawData.Span), result);
            }
        }
        else if (FloatData is not null)
        {
            Convert(CollectionsMarshal.AsSpan(FloatData), result);
        }
        else if (DoubleData is not null)
        {
            Convert(CollectionsMarshal.AsSpan(DoubleData), result);
        }

        return result;
    }

    private static void Convert<TFrom, T>(ReadOnlySpan<TFrom> from, T[] to)
        where TFrom : unmanaged
        where T : unmanaged
    {
        if (typeof(TFrom) == typeof(T))
        {
            MemoryMarshal.Cast<TFrom, T>(from).CopyTo(to);
            return;
        }

        // float ↔ double: widening is exact; narrowing rounds to nearest (overflow to ±∞), as NpyConversion documents.
        if (typeof(TFrom) == typeof(float))
        {
            TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<TFrom, float>(from), MemoryMarshal.Cast<T, double>(to.AsSpan()));
        }
        else
        {
            TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<TFrom, double>(from), MemoryMarshal.Cast<T, float>(to.AsSpan()));
        }
    }

    public static OnnxTensor Parse(ProtobufReader reader, ReadOnlyMemory<byte> file)
    {
        var tensor = new OnnxTensor();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case OnnxFields.Tensor.Dims:
                    OnnxParsing.ReadInt64s(ref reader, field, "dims", wire, tensor.Dims, MaxRank);

                    break;
                case OnnxFields.Tensor.DataType:
                    reader.ExpectWireType(field, "data_type", wire, WireType.Varint);
                    tensor.DataType = reader.ReadInt32("data_type");
                    break;
                case OnnxFields.Tensor.Name:
                    reader.ExpectWireType(field, "name", wire, WireType.LengthDelimited);
                    tensor.Name = reader.ReadString("name");
                    break;
                case OnnxFields.Tensor.RawData:
                    reader.ExpectWireType(field, "raw_data", wire, WireType.LengthDelimited);
                    var raw = reader.ReadBytes(out var offset);
                    tensor.RawData = file.Slice(reader.BaseOffset + offset, raw.Length);
                    tensor.HasRawData = true;
                    break;
                case OnnxFields.Tensor.FloatData:
                    tensor.FloatData ??= [];
                    OnnxParsing.ReadFloats(ref reader, field, "float_data", wire, tensor.FloatData);
                    break;
                case OnnxFields.Tensor.DoubleData:
                    tensor.DoubleData ??= [];
                    OnnxParsing.ReadDoubles(ref reader, field, "double_data", wire, tensor.DoubleData);
                    break;
                case OnnxFields.Tensor.Int32Data:
                case OnnxFields.Tensor.StringData:
                case OnnxFields.Tensor.Int64Data:
                case OnnxFields.Tensor.Uint64Data:
                    tensor.OtherDataField = field switch
                    {
                        OnnxFields.Tensor.Int32Data => "int32_data",
                        OnnxFields.Tensor.StringData => "string_data",
                        OnnxFields.Tensor.Int64Data => "int64_data",
                        OnnxFields.Tensor.Uint64Data => "uint64_data",
                        _ => throw new InvalidOperationException($"Field {field} reached the other-data arm."),
                    };
                    reader.Skip(wire);
                    break;
                case OnnxFields.Tensor.ExternalData:
                    tensor.IsExternal = true;
                    reader.Skip(wire);
                    break;
                case OnnxFields.Tensor.DataLocation:
                    reader.ExpectWireType(field, "data_location", wire, WireType.Varint);
                    tensor.IsExternal |= reader.ReadInt32("data_location") == OnnxFields.Tensor.DataLocationExternal;
                    break;
                case OnnxFields.Tensor.Segment:
                    tensor.HasSegment = true;
                    reader.Skip(wire);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return tensor;
    }

    public void Write(ProtobufWriter writer)
    {
        writer.WritePackedInt64(OnnxFields.Tensor.Dims, CollectionsMarshal.AsSpan(Dims));
        writer.WriteInt64(OnnxFields.Tensor.DataType, DataType);
        writer.WriteString(OnnxFields.Tensor.Name, Name);
        writer.WriteBytes(OnnxFields.Tensor.RawData, RawData.Span);
        if (IsExternal)
        {
            // Never set by the exporter; lets tests write a model the reader must refuse.
            writer.WriteInt64(OnnxFields.Tensor.DataLocation, OnnxFields.Tensor.DataLocationExternal);
        }
    }

    /// <summary>A tensor of float or double values (raw_data, little-endian).</summary>
    public static OnnxTensor Create<T>(string name, ReadOnlySpan<long> dims, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var tensor = new OnnxTensor
        {
            Name = name,
            DataType = typeof(T) == typeof(float) ? OnnxFields.Tensor.DataTypeFloat : OnnxFields.Tensor.DataTypeDouble,
            RawData = MemoryMarshal.AsBytes(values).ToArray(),
            HasRawData = true,
        };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}

/// <summary>An <c>AttributeProto</c>; graphs, sparse tensors and type protos are noted but not parsed.</summary>
internal sealed class OnnxAttribute
{
    /// <summary>The most values of an <c>ints</c> attribute (the supported ops read at most one).</summary>
    public const int MaxInts = 64;

    public string Name { get; set; } = "";

    public int Type { get; set; }

    public float F { get; set; }

    public bool HasF { get; set; }

    public long I { get; set; }

    public bool HasI { get; set; }

    public ReadOnlyMemory<byte> S { get; set; }

    public bool HasS { get; set; }

    public OnnxTensor? T { get; set; }

    public List<float> Floats { get; } = [];

    public List<long> Ints { get; } = [];

    public string? RefAttrName { get; set; }

    public static OnnxAttribute Parse(ProtobufReader reader, ReadOnlyMemory<byte> file)
    {
        var attribute = new OnnxAttribute();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case OnnxFields.Attribute.Name:
                    reader.ExpectWireType(field, "name", wire, WireType.LengthDelimited);
                    attribute.Name = reader.ReadString("name");
                    break;
                case OnnxFields.Attribute.Type:
                    reader.ExpectWireType(field, "type", wire, WireType.Varint);
                    attribute.Type = reader.ReadInt32("type");
                    break;
                case OnnxFields.Attribute.F:
                    reader.ExpectWireType(field, "f", wire, WireType.Fixed32);
                    attribute.F = reader.ReadFloat();
                    attribute.HasF = true;
                    break;
                case OnnxFields.Attribute.I:
                    reader.ExpectWireType(field, "i", wire, WireType.Varint);
                    attribute.I = reader.ReadInt64();
                    attribute.HasI = true;
                    break;
                case OnnxFields.Attribute.S:
                    reader.ExpectWireType(field, "s", wire, WireType.LengthDelimited);
                    var s = reader.ReadBytes(out var offset);
                    attribute.S = file.Slice(reader.BaseOffset + offset, s.Length);
                    attribute.HasS = true;
                    break;
                case OnnxFields.Attribute.T:
                    reader.ExpectWireType(field, "t", wire, WireType.LengthDelimited);
                    if (attribute.T is not null)
                    {
                        throw reader.Error("field 5 (t) appears twice.");
                    }

                    attribute.T = OnnxTensor.Parse(reader.ReadMessage("TensorProto"), file);
                    break;
                case OnnxFields.Attribute.Floats:
                    OnnxParsing.ReadFloats(ref reader, field, "floats", wire, attribute.Floats);
                    break;
                case OnnxFields.Attribute.Ints:
                    OnnxParsing.ReadInt64s(ref reader, field, "ints", wire, attribute.Ints, MaxInts);
                    break;
                case OnnxFields.Attribute.RefAttrName:
                    reader.ExpectWireType(field, "ref_attr_name", wire, WireType.LengthDelimited);
                    attribute.RefAttrName = reader.ReadString("ref_attr_name");
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return attribute;
    }

    public void Write(ProtobufWriter writer)
    {
        writer.WriteString(OnnxFields.Attribute.Name, Name);
        switch (Type)
        {
            case OnnxFields.Attribute.TypeFloat:
                writer.WriteFloat(OnnxFields.Attribute.F, F);
                break;
            case OnnxFields.Attribute.TypeInt:
                writer.WriteInt64(OnnxFields.Attribute.I, I);
                break;
            case OnnxFields.Attribute.TypeString:
                writer.WriteBytes(OnnxFields.Attribute.S, S.Span);
                break;
            case OnnxFields.Attribute.TypeTensor:
                var tensor = new ProtobufWriter();
                T!.Write(tensor);
                writer.WriteMessage(OnnxFields.Attribute.T, tensor);
                break;
            default:
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The exporter does not write attribute type {Type}."));
        }

        writer.WriteInt64(OnnxFields.Attribute.Type, Type);
    }
}

/// <summary>A <c>NodeProto</c>.</summary>
internal sealed class OnnxNode
{
    /// <summary>The most inputs, outputs or attributes one node may list (the supported ops use at most three).</summary>
    public const int MaxValues = 64;

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public string Name { get; set; } = "";

    public string OpType { get; set; } = "";

    public string Domain { get; set; } = "";

    public List<OnnxAttribute> Attributes { get; } = [];

    /// <summary>The node as errors name it: <c>node '/0/Gemm' (Gemm)</c>.</summary>
    public override string ToString() => Name.Length == 0 ? $"node #{Index} ({OpType})" : $"node '{Name}' ({OpType})";

    /// <summary>The node's position in the graph's node list.</summary>
    public int Index { get; set; }

    public static OnnxNode Parse(ProtobufReader reader, ReadOnlyMemory<byte> file)
    {
        var node = new OnnxNode();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case OnnxFields.Node.Input:
                    reader.ExpectWireType(field, "input", wire, WireType.LengthDelimited);
                    OnnxParsing.AddBounded(ref reader, node.Inputs, reader.ReadString("input"), "input", MaxValues);
                    break;
                case OnnxFields.Node.Output:
                    reader.ExpectWireType(field, "output", wire, WireType.LengthDelimited);
                    OnnxParsing.AddBounded(ref reader, node.Outputs, reader.ReadString("output"), "output", MaxValues);
                    break;
                case OnnxFields.Node.Name:
                    reader.ExpectWireType(field, "name", wire, WireType.LengthDelimited);
                    node.Name = reader.ReadString("name");
                    break;
                case OnnxFields.Node.OpType:
                    reader.ExpectWireType(field, "op_type", wire, WireType.LengthDelimited);
                    node.OpType = reader.ReadString("op_type");
                    break;
                case OnnxFields.Node.Domain:
                    reader.ExpectWireType(field, "domain", wire, WireType.LengthDelimited);
                    node.Domain = reader.ReadString("domain");
                    break;
                case OnnxFields.Node.Attribute:
                    reader.ExpectWireType(field, "attribute", wire, WireType.LengthDelimited);
                    OnnxParsing.AddBounded(ref reader, node.Attributes, OnnxAttribute.Parse(reader.ReadMessage("AttributeProto"), file), "attribute", MaxValues);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return node;
    }

    public void Write(ProtobufWriter writer)
    {
        foreach (var input in Inputs)
        {
            writer.WriteString(OnnxFields.Node.Input, input);
        }

        foreach (var output in Outputs)
        {
            writer.WriteString(OnnxFields.Node.Output, output);
        }

        writer.WriteString(OnnxFields.Node.Name, Name);
        writer.WriteString(OnnxFields.Node.OpType, OpType);
        if (Domain.Length > 0)
        {
            writer.WriteString(OnnxFields.Node.Domain, Domain);
        }
        foreach (var attribute in Attributes)
        {
            var message = new ProtobufWriter();
            attribute.Write(message);
            writer.WriteMessage(OnnxFields.Node.Attribute, message);
        }
    }
}

/// <summary>One dimension of a <c>TensorShapeProto</c>: a value, a symbolic name, or neither (unknown).</summary>
internal readonly record struct OnnxDimension(long? Value, string? Param)
{
    public override string ToString() => Value?.ToString(CultureInfo.InvariantCulture) ?? (Param is null ? "?" : $"'{Param}'");
}

/// <summary>A <c>ValueInfoProto</c> of a tensor: name, element type and (optional) shape.</summary>
internal sealed class OnnxValueInfo
{
    public string Name { get; set; } = "";

    /// <summary>Whether the type is a tensor type (not a sequence, map, optional or sparse tensor).</summary>
    public bool IsTensor { get; set; }

    /// <summary>Whether any type was given.</summary>
    public bool HasType { get; set; }

    public int ElemType { get; set; }

    /// <summary>The dimensions; null when the shape is not given.</summary>
    public List<OnnxDimension>? Shape { get; set; }

    public string ShapeText => Shape is null ? "unknown" : "[" + string.Join(", ", Shape) + "]";

    public static OnnxValueInfo Parse(ProtobufReader reader)
    {
        var info = new OnnxValueInfo();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case OnnxFields.ValueInfo.Name:
                    reader.ExpectWireType(field, "name", wire, WireType.LengthDelimited);
                    info.Name = reader.ReadString("name");
                    break;
                case OnnxFields.ValueInfo.Type:
                    reader.ExpectWireType(field, "type", wire, WireType.LengthDelimited);
                    if (info.HasType)
                    {
                        throw reader.Error("field 2 (type) appears twice.");
                    }

                    info.HasType = true;
                    ParseType(reader.ReadMessage("TypeProto"), info);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return info;
    }

    private static void ParseType(ProtobufReader reader, OnnxValueInfo info)
    {
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != OnnxFields.Type.TensorType)
            {
                // Sequence, map, optional and sparse types are not parsed (no recursion into them): the value is not a tensor.
                reader.Skip(wire);
                continue;
            }

            reader.ExpectWireType(field, "tensor_type", wire, WireType.LengthDelimited);
            if (info.IsTensor)
            {
                throw reader.Error("field 1 (tensor_type) appears twice.");
            }

            info.IsTensor = true;
            var tensor = reader.ReadMessage("TypeProto.Tensor");
            while (tensor.TryReadTag(out var tf, out var tw))
            {
                switch (tf)
                {
                    case OnnxFields.Type.TensorElemType:
                        tensor.ExpectWireType(tf, "elem_type", tw, WireType.Varint);
                        info.ElemType = tensor.ReadInt32("elem_type");
                        break;
                    case OnnxFields.Type.TensorShape:
                        tensor.ExpectWireType(tf, "shape", tw, WireType.LengthDelimited);
                        if (info.Shape is not null)
                        {
                            throw tensor.Error("field 2 (shape) appears twice.");
                        }

                        info.Shape = ParseShape(tensor.ReadMessage("TensorShapeProto"));
                        break;
                    default:
                        tensor.Skip(tw);
                        break;
                }
            }
        }
    }

    private static List<OnnxDimension> ParseShape(ProtobufReader reader)
    {
        var dims = new List<OnnxDimension>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field != OnnxFields.Shape.Dim)
            {
                reader.Skip(wire);
                continue;
            }

            reader.ExpectWireType(field, "dim", wire, WireType.LengthDelimited);
            if (dims.Count == OnnxTensor.MaxRank)
            {
                throw reader.Error(string.Create(CultureInfo.InvariantCulture, $"a shape has more than {OnnxTensor.MaxRank} dimensions."));
            }

            var dim = reader.ReadMessage("TensorShapeProto.Dimension");
            long? value = null;
            string? param = null;
            while (dim.TryReadTag(out var df, out var dw))
            {
                switch (df)
                {
                    case OnnxFields.Shape.DimValue:
                        dim.ExpectWireType(df, "dim_value", dw, WireType.Varint);
                        value = dim.ReadInt64();
                        break;
                    case OnnxFields.Shape.DimParam:
                        dim.ExpectWireType(df, "dim_param", dw, WireType.LengthDelimited);
                        param = dim.ReadString("dim_param");
                        break;
                    default:
                        dim.Skip(dw);
                        break;
                }
            }

            dims.Add(new OnnxDimension(value, param));
        }

        return dims;
    }

    public void Write(ProtobufWriter writer)
    {
        writer.WriteString(OnnxFields.ValueInfo.Name, Name);
        var shape = new ProtobufWriter();
        foreach (var d in Shape!)
        {
            var dim = new ProtobufWriter();
            if (d.Value is { } value)
            {
                dim.WriteInt64(OnnxFields.Shape.DimValue, value);
            }
            else
            {
                dim.WriteString(OnnxFields.Shape.DimParam, d.Param!);
            }

            shape.WriteMessage(OnnxFields.Shape.Dim, dim);
        }

        var tensor = new ProtobufWriter();
        tensor.WriteInt64(OnnxFields.Type.TensorElemType, ElemType);
        tensor.WriteMessage(OnnxFields.Type.TensorShape, shape);
        var type = new ProtobufWriter();
        type.WriteMessage(OnnxFields.Type.TensorType, tensor);
        writer.WriteMessage(OnnxFields.ValueInfo.Type, type);
    }
}

/// <summary>A <c>GraphProto</c>.</summary>
internal sealed class OnnxGraph
{
    /// <summary>The most nodes, initializers, inputs or outputs a graph may list (a chain of dense layers needs a few per layer).</summary>
    public const int MaxEntries = 1 << 16;

    public List<OnnxNode> Nodes { get; } = [];

    public string Name { get; set; } = "";

    public List<OnnxTensor> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    public bool HasSparseInitializers { get; set; }

    public static OnnxGraph Parse(ProtobufReader reader, ReadOnlyMemory<byte> file)
    {
        var graph = new OnnxGraph();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case OnnxFields.Graph.Node:
                    reader.ExpectWireType(field, "node", wire, WireType.LengthDelimited);
                    var node = OnnxNode.Parse(reader.ReadMessage("NodeProto"), file);
                    node.Index = graph.Nodes.Count;
                    OnnxParsing.AddBounded(ref reader, graph.Nodes, node, "node", MaxEntries);
                    break;
                case OnnxFields.Graph.Name:
                    reader.ExpectWireType(field, "name", wire, WireType.LengthDelimited);
                    graph.Name = reader.ReadString("name");
                    break;
                case OnnxFields.Graph.Initializer:
                    reader.ExpectWireType(field, "initializer", wire, WireType.LengthDelimited);
                    OnnxParsing.AddBounded(ref reader, graph.Initializers, OnnxTensor.Parse(reader.ReadMessage("TensorProto"), file), "initializer", MaxEntries);
                    break;
                case OnnxFields.Graph.Input:
                    reader.ExpectWireType(field, "input", wire, WireType.LengthDelimited);
                    OnnxParsing.AddBounded(ref reader, graph.Inputs, OnnxValueInfo.Parse(reader.ReadMessage("ValueInfoProto")), "input", MaxEntries);
                    break;
                case OnnxFields.Graph.Output:
                    reader.ExpectWireType(field, "output", wire, WireType.LengthDelimited);
                    OnnxParsing.AddBounded(ref reader, graph.Outputs, OnnxValueInfo.Parse(reader.ReadMessage("ValueInfoProto")), "output", MaxEntries);
                    break;
                case OnnxFields.Graph.SparseInitializer:
                    graph.HasSparseInitializers = true;
                    reader.Skip(wire);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return graph;
    }

    public void Write(ProtobufWriter writer)
    {
        foreach (var node in Nodes)
        {
            var message = new ProtobufWriter();
            node.Write(message);
            writer.WriteMessage(OnnxFields.Graph.Node, message);
        }

        writer.WriteString(OnnxFields.Graph.Name, Name);
        foreach (var tensor in Initializers)
        {
            var message = new ProtobufWriter();
            tensor.Write(message);
            writer.WriteMessage(OnnxFields.Graph.Initializer, message);
        }

        foreach (var (field, list) in new[] { (OnnxFields.Graph.Input, Inputs), (OnnxFields.Graph.Output, Outputs) })
        {
            foreach (var info in list)
            {
                var message = new ProtobufWriter();
                info.Write(message);
                writer.WriteMessage(field, message);
            }
        }
    }
}

/// <summary>A <c>ModelProto</c>.</summary>
internal sealed class OnnxModelProto
{
    public long IrVersion { get; set; }

    /// <summary>The operator sets: (domain, version); the default domain is <c>""</c> (or <c>ai.onnx</c>).</summary>
    public List<(string Domain, long Version)> Opsets { get; } = [];

    public string ProducerName { get; set; } = "";

    public string ProducerVersion { get; set; } = "";

    public OnnxGraph? Graph { get; set; }

    public List<(string Key, string Value)> Metadata { get; } = [];

    /// <summary>Parses a whole file; <paramref name="file"/> must stay unchanged while the model is used (tensors slice it).</summary>
    public static OnnxModelProto Parse(ReadOnlyMemory<byte> file, string source)
    {
        if (file.IsEmpty)
        {
            throw new OnnxFormatException(source, "the file is empty.");
        }

        var reader = new ProtobufReader(file.Span, 0, source, "ModelProto");
        var model = new OnnxModelProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case OnnxFields.Model.IrVersion:
                    reader.ExpectWireType(field, "ir_version", wire, WireType.Varint);
                    model.IrVersion = reader.ReadInt64();
                    break;
                case OnnxFields.Model.ProducerName:
                    reader.ExpectWireType(field, "producer_name", wire, WireType.LengthDelimited);
                    model.ProducerName = reader.ReadString("producer_name");
                    break;
                case OnnxFields.Model.ProducerVersion:
                    reader.ExpectWireType(field, "producer_version", wire, WireType.LengthDelimited);
                    model.ProducerVersion = reader.ReadString("producer_version");
                    break;
                case OnnxFields.Model.Graph:
                    reader.ExpectWireType(field, "graph", wire, WireType.LengthDelimited);
                    if (model.Graph is not null)
                    {
                        throw reader.Error("field 7 (graph) appears twice.");
                    }

                    model.Graph = OnnxGraph.Parse(reader.ReadMessage("GraphProto"), file);
                    break;
                case OnnxFields.Model.OpsetImport:
                    reader.ExpectWireType(field, "opset_import", wire, WireType.LengthDelimited);
                    var opset = reader.ReadMessage("OperatorSetIdProto");
                    string domain = "";
                    long version = 0;
                    while (opset.TryReadTag(out var of, out var ow))
                    {
                        switch (of)
                        {
                            case OnnxFields.OperatorSetId.Domain:
                                opset.ExpectWireType(of, "domain", ow, WireType.LengthDelimited);
                                domain = opset.ReadString("domain");
                                break;
                            case OnnxFields.OperatorSetId.Version:
                                opset.ExpectWireType(of, "version", ow, WireType.Varint);
                                version = opset.ReadInt64();
                                break;
                            default:
                                opset.Skip(ow);
                                break;
                        }
                    }

                    model.Opsets.Add((domain, version));
                    break;
                case OnnxFields.Model.MetadataProps:
                    reader.ExpectWireType(field, "metadata_props", wire, WireType.LengthDelimited);
                    var entry = reader.ReadMessage("StringStringEntryProto");
                    string key = "", value = "";
                    while (entry.TryReadTag(out var ef, out var ew))
                    {
                        switch (ef)
                        {
                            case OnnxFields.StringStringEntry.Key:
                                entry.ExpectWireType(ef, "key", ew, WireType.LengthDelimited);
                                key = entry.ReadString("key");
                                break;
                            case OnnxFields.StringStringEntry.Value:
                                entry.ExpectWireType(ef, "value", ew, WireType.LengthDelimited);
                                value = entry.ReadString("value");
                                break;
                            default:
                                entry.Skip(ew);
                                break;
                        }
                    }

                    model.Metadata.Add((key, value));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return model;
    }

    public void Write(ProtobufWriter writer)
    {
        writer.WriteInt64(OnnxFields.Model.IrVersion, IrVersion);
        writer.WriteString(OnnxFields.Model.ProducerName, ProducerName);
        writer.WriteString(OnnxFields.Model.ProducerVersion, ProducerVersion);
        var graph = new ProtobufWriter();
        Graph!.Write(graph);
        writer.WriteMessage(OnnxFields.Model.Graph, graph);
        foreach (var (domain, version) in Opsets)
        {
            var opset = new ProtobufWriter();
            opset.WriteString(OnnxFields.OperatorSetId.Domain, domain);
            opset.WriteInt64(OnnxFields.OperatorSetId.Version, version);
            writer.WriteMessage(OnnxFields.Model.OpsetImport, opset);
        }

        foreach (var (key, value) in Metadata)
        {
            var entry = new ProtobufWriter();
            entry.WriteString(OnnxFields.StringStringEntry.Key, key);
            entry.WriteString(OnnxFields.StringStringEntry.Value, value);
            writer.WriteMessage(OnnxFields.Model.MetadataProps, entry);
        }
    }
}

/// <summary>Repeated scalar fields, which protobuf encoders write packed (one length-delimited run) or one tag per value; readers must accept both.</summary>
internal static class OnnxParsing
{
    /// <summary>
    /// Appends a repeated int64 field, packed or not, refusing more than <paramref name="maxCount"/> values in all
    /// before each one is added (a packed run of one-byte varints would otherwise cost 16 bytes of list per file byte).
    /// </summary>
    public static void ReadInt64s(ref ProtobufReader reader, int field, string name, WireType wire, List<long> values, int maxCount)
    {
        if (wire == WireType.LengthDelimited)
        {
            var packed = reader.ReadMessage(name);
            while (!packed.End)
            {
                Add(ref packed, values, packed.ReadInt64(), name, maxCount);
            }

            return;
        }

        reader.ExpectWireType(field, name, wire, WireType.Varint);
        Add(ref reader, values, reader.ReadInt64(), name, maxCount);

        static void Add(ref ProtobufReader reader, List<long> values, long value, string name, int maxCount)
        {
            if (values.Count == maxCount)
            {
                throw reader.Error(string.Create(CultureInfo.InvariantCulture, $"{name} has more than {maxCount} values."));
            }

            values.Add(value);
        }
    }

    /// <summary>Adds one more element of a repeated message field, refusing the one past <paramref name="maxCount"/>.</summary>
    public static void AddBounded<TItem>(ref ProtobufReader reader, List<TItem> items, TItem item, string name, int maxCount)
    {
        if (items.Count == maxCount)
        {
            throw reader.Error(string.Create(CultureInfo.InvariantCulture, $"more than {maxCount} {name} entries."));
        }

        items.Add(item);
    }

    public static void ReadFloats(ref ProtobufReader reader, int field, string name, WireType wire, List<float> values)
    {
        if (wire == WireType.LengthDelimited)
        {
            var packed = reader.ReadBytes(out var offset);
            if (packed.Length % 4 != 0)
            {
                throw reader.ErrorAt(offset, string.Create(CultureInfo.InvariantCulture, $"packed {name} has {packed.Length} bytes, not a multiple of 4."));
            }

            values.AddRange(MemoryMarshal.Cast<byte, float>(packed));
            return;
        }

        reader.ExpectWireType(field, name, wire, WireType.Fixed32);
        values.Add(reader.ReadFloat());
    }

    public static void ReadDoubles(ref ProtobufReader reader, int field, string name, WireType wire, List<double> values)
    {
        if (wire == WireType.LengthDelimited)
        {
            var packed = reader.ReadBytes(out var offset);
            if (packed.Length % 8 != 0)
            {
                throw reader.ErrorAt(offset, string.Create(CultureInfo.InvariantCulture, $"packed {name} has {packed.Length} bytes, not a multiple of 8."));
            }

            values.AddRange(MemoryMarshal.Cast<byte, double>(packed));
            return;
        }

        reader.ExpectWireType(field, name, wire, WireType.Fixed64);
        values.Add(reader.ReadDouble());
    }
}
