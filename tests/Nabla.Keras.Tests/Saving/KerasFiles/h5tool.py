#!/usr/bin/env python3
"""The real-tool side of Nabla's Keras file tests (Debian's python3-h5py and python3-numpy).

  h5tool.py dump FILE            prints every group and dataset of an HDF5 file as JSON: path, kind, shape,
                                 dtype (NumPy's str, e.g. "<f4") and attributes.
  h5tool.py write FILE SPEC      writes an HDF5 file from a JSON spec (read from SPEC, a file):
                                 {"attrs": {...}, "groups": {"a/b": {"attrs": {...}}},
                                  "datasets": {"a/b/0": {"dtype": "float32", "shape": [2, 3], "values": [...],
                                                         "attrs": {...}}}}
                                 String-list attributes are written as h5py writes Keras 2's layer_names and
                                 weight_names: fixed-length byte strings (numpy "S").
  h5tool.py dumpzip FILE         lists a .keras zip's members and dumps its model.weights.h5 and config.json.
"""
import io
import json
import sys
import zipfile

import h5py
import numpy as np


def attr_value(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        return [v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v for v in value.tolist()]
    if hasattr(value, "item"):
        return value.item()
    return value


def dump(h5):
    items = [{"path": "/", "kind": "group", "attrs": {k: attr_value(v) for k, v in h5.attrs.items()}}]

    def visit(name, obj):
        entry = {"path": name, "attrs": {k: attr_value(v) for k, v in obj.attrs.items()}}
        if isinstance(obj, h5py.Dataset):
            entry.update(kind="dataset", shape=list(obj.shape), dtype=obj.dtype.str)
            entry["values"] = np.asarray(obj[()]).ravel().astype(np.float64).tolist()
        else:
            entry["kind"] = "group"
        items.append(entry)

    h5.visititems(visit)
    return items


def write_attrs(obj, attrs):
    for key, value in attrs.items():
        if isinstance(value, list):
            obj.attrs[key] = np.array([v.encode() for v in value], dtype="S" + str(max([len(v) for v in value] + [1])))
        elif isinstance(value, str):
            obj.attrs[key] = value.encode()
        else:
            obj.attrs[key] = value


def write(path, spec):
    with h5py.File(path, "w") as h5:
        write_attrs(h5, spec.get("attrs", {}))
        for name, group in spec.get("groups", {}).items():
            write_attrs(h5.require_group(name), group.get("attrs", {}))
        for name, data in spec.get("datasets", {}).items():
            values = np.array(data["values"], dtype=data["dtype"]).reshape(data["shape"])
            write_attrs(h5.create_dataset(name, data=values), data.get("attrs", {}))


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "dump":
        with h5py.File(path, "r") as h5:
            print(json.dumps(dump(h5)))
    elif command == "write":
        with open(sys.argv[3]) as f:
            write(path, json.load(f))
    elif command == "dumpzip":
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            config = json.loads(archive.read("config.json"))
            metadata = json.loads(archive.read("metadata.json"))
            with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
                print(json.dumps({"members": names, "config": config, "metadata": metadata, "weights": dump(h5)}))
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main()
