import Taro from '@tarojs/taro';

// One photo per request stays under the API's JSON body limit (256 KiB by default, base64 adds a third).
export const MAX_PHOTO_BYTES = 180 * 1024;
export const MAX_PHOTOS = 3;

/** Lets the customer pick up to `count` photos (camera or album), compressed by WeChat where it can. */
export async function choosePhotos(count: number): Promise<string[]> {
  const res = await Taro.chooseImage({ count, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
  return res.tempFilePaths;
}

/** A picked photo as a data URL; undefined when it is too large to send. */
export async function photoDataUrl(path: string): Promise<string | undefined> {
  if (process.env.TARO_ENV === 'weapp') {
    const compressed = await Taro.compressImage({ src: path, quality: 60 }).catch(() => ({
      tempFilePath: path,
    }));
    const base64 = await new Promise<string>((resolve, reject) => {
      Taro.getFileSystemManager().readFile({
        filePath: compressed.tempFilePath,
        encoding: 'base64',
        success: (r) => resolve(String(r.data)),
        fail: reject,
      });
    });
    if (base64.length * 0.75 > MAX_PHOTO_BYTES) return undefined;
    return `data:image/jpeg;base64,${base64}`;
  }
  // H5: chooseImage gives blob: URLs.
  const blob = await (await fetch(path)).blob();
  if (blob.size > MAX_PHOTO_BYTES) return undefined;
  return new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
