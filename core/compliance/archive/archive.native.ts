import { ChatArchiveSdkError, type ChatArchiveSdk, type ChatDataRecord } from './archive.sdk.js';

/*
 * Production adapter: Tencent's libWeWorkFinanceSdk_C.so (Linux x86_64/arm64) loaded through the
 * koffi FFI library. It cannot run here (no library, no whitelisted IP), so it is kept to the C calls
 * and nothing else; everything that can be tested lives in archive.service.ts.
 *
 * To enable: `npm install koffi` on the production host, place the SDK's .so there, and set
 * WECOM_ARCHIVE_SDK_PATH, WECOM_ARCHIVE_SECRET and WECOM_ARCHIVE_PRIVATE_KEYS_DIR. koffi is not a
 * dependency of the project because only deployments that buy the archive feature need it, and it
 * ships native builds with an install script.
 *
 * C signatures (WeWorkFinanceSdk_C.h): NewSdk, Init(sdk, corpid, secret), GetChatData(sdk, seq, limit,
 * proxy, passwd, timeout, Slice_t*), DecryptData(key, msg, Slice_t*), NewSlice, FreeSlice,
 * GetContentFromSlice, GetSliceLen, DestroySdk. Return code 0 = success.
 */

/** The part of koffi this adapter uses (typed here so the project compiles without koffi installed). */
interface KoffiFunction {
  (...args: unknown[]): unknown;
  /** Runs the call on a worker thread: GetChatData blocks for up to `timeout` seconds on the network. */
  async(...args: unknown[]): void;
}
interface KoffiModule {
  load(path: string): { func(signature: string): KoffiFunction };
}

export interface NativeArchiveOptions {
  libraryPath: string;
  corpId: string;
  secret: string;
  /** Optional proxy, e.g. socks5://10.0.0.1:8081, and its user:password. */
  proxy?: string | undefined;
  proxyPassword?: string | undefined;
  timeoutSeconds?: number;
}

async function loadKoffi(): Promise<KoffiModule> {
  // A variable specifier keeps TypeScript and bundlers from requiring koffi at build time.
  const specifier = 'koffi';
  try {
    const mod = (await import(specifier)) as { default?: KoffiModule } & KoffiModule;
    return mod.default ?? mod;
  } catch (err) {
    throw new ChatArchiveSdkError(
      'load',
      -1,
      `koffi is not installed (npm install koffi): ${(err as Error).message}`,
    );
  }
}

/** Opens the native SDK and initialises it for the corp; call `close()` on shutdown. */
export async function openNativeChatArchive(opts: NativeArchiveOptions): Promise<ChatArchiveSdk> {
  const koffi = await loadKoffi();
  let lib: ReturnType<KoffiModule['load']>;
  try {
    lib = koffi.load(opts.libraryPath);
  } catch (err) {
    throw new ChatArchiveSdkError('load', -1, `cannot load ${opts.libraryPath}: ${(err as Error).message}`);
  }
  const NewSdk = lib.func('void* NewSdk()');
  const Init = lib.func('int Init(void* sdk, const char* corpid, const char* secret)');
  const GetChatData = lib.func(
    'int GetChatData(void* sdk, uint64 seq, uint32 limit, const char* proxy, const char* passwd, int timeout, void* out)',
  );
  const DecryptData = lib.func('int DecryptData(const char* key, const char* msg, void* out)');
  const NewSlice = lib.func('void* NewSlice()');
  const FreeSlice = lib.func('void FreeSlice(void* slice)');
  const GetContentFromSlice = lib.func('const char* GetContentFromSlice(void* slice)');
  const DestroySdk = lib.func('void DestroySdk(void* sdk)');

  const sdk = NewSdk();
  const rc = Init(sdk, opts.corpId, opts.secret) as number;
  if (rc !== 0) {
    DestroySdk(sdk);
    throw new ChatArchiveSdkError('Init', rc, `Init returned ${rc}`);
  }
  const timeout = opts.timeoutSeconds ?? 10;

  const withSlice = async <T>(fn: (slice: unknown) => Promise<T>): Promise<T> => {
    const slice = NewSlice();
    try {
      return await fn(slice);
    } finally {
      FreeSlice(slice);
    }
  };

  return {
    getChatData(seq, limit) {
      return withSlice(
        (slice) =>
          new Promise<ChatDataRecord[]>((resolve, reject) => {
            GetChatData.async(
              sdk,
              seq,
              limit,
              opts.proxy ?? '',
              opts.proxyPassword ?? '',
              timeout,
              slice,
              (err: unknown, code: unknown) => {
                if (err) return reject(err);
                if (code !== 0)
                  return reject(
                    new ChatArchiveSdkError(
                      'GetChatData',
                      Number(code),
                      `GetChatData returned ${String(code)}`,
                    ),
                  );
                const body = JSON.parse(String(GetContentFromSlice(slice))) as {
                  errcode?: number;
                  errmsg?: string;
                  chatdata?: ChatDataRecord[];
                };
                if (body.errcode) {
                  return reject(
                    new ChatArchiveSdkError(
                      'GetChatData',
                      body.errcode,
                      `GetChatData errcode ${body.errcode}: ${body.errmsg ?? ''}`,
                    ),
                  );
                }
                resolve(body.chatdata ?? []);
              },
            );
          }),
      );
    },
    decryptData(randomKey, encryptChatMsg) {
      return withSlice(async (slice) => {
        const code = DecryptData(randomKey, encryptChatMsg, slice) as number;
        if (code !== 0) throw new ChatArchiveSdkError('DecryptData', code, `DecryptData returned ${code}`);
        return String(GetContentFromSlice(slice));
      });
    },
    async close() {
      DestroySdk(sdk);
    },
  };
}
